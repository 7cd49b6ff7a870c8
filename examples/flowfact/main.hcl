# FLOWFACT API (seed 003): the API installation ships with a self-signed
# certificate, so browsers warn everyone who opens a FLOWFACT mobile link or
# an S-Exposé. The fix is a certificate for the installation's DNS name from
# a trusted authority, bought by the operator and installed in place of the
# self-signed one. certform imports it, checks it (key matches, chain
# complete, valid now) and installs it; the plan warns 30 days before it
# expires, since an imported certificate cannot be renewed automatically.
#
# The files in certs/ and api/ssl/ are made by make-test-certs.sh, with a
# throw-away test CA: run it once before planning.
#
#   sh make-test-certs.sh
#   certform validate
#   CERTFORM_VAR_pfx_password=... certform plan
#   CERTFORM_VAR_pfx_password=... certform apply

variable "host" {
  type        = string
  default     = "immo.example.test"
  description = "The DNS name of the FLOWFACT API installation, as the certificate names it."
}

variable "pfx_password" {
  type        = string
  sensitive   = true
  description = "Password of the .pfx written for Windows hosts."
}

# The certificate from the trusted authority, with the key made for its
# request and the authority's intermediate. Delivered as a .pfx instead:
#
#   import {
#     pfx      = filebase64("certs/${var.host}.pfx")
#     password = var.import_password
#   }
certificate "api" {
  import {
    cert_pem  = file("certs/${var.host}.crt")
    key_pem   = file("certs/${var.host}.key")
    chain_pem = file("certs/chain.pem")
  }
  renew_before = "30d"
}

# Where the installation's web server reads its certificate: the
# self-signed files it shipped with are replaced (and kept as
# FILE.certform.backup, which destroy puts back).
store "pem_files" "api" {
  certificate = certificate.api
  cert        = "api/ssl/server.crt"
  key         = "api/ssl/server.key"
  chain       = "api/ssl/chain.crt"
}

# The same for an installation on Windows (IIS imports .pfx files);
# legacy encryption for Windows Server 2016 and older.
store "pkcs12" "api" {
  certificate   = certificate.api
  path          = "api/ssl/server.pfx"
  password      = var.pfx_password
  friendly_name = "FLOWFACT API"
  encryption    = "legacy"
}

endpoint "api" {
  url         = "https://${var.host}:443"
  certificate = certificate.api
  tls_only    = true
}

output "api_expires" {
  value = certificate.api.not_after
}
