# certform quickstart: a company CA, one server certificate, its PEM files,
# a CA bundle for clients, and the server's INI file pointed at them.
# Everything is written below ./out, next to this file.
#
#   certform validate
#   certform plan
#   certform apply

variable "host" {
  type        = string
  default     = "app.example.test"
  description = "The DNS name clients use to reach the server."
}

# The company root CA. certform creates it and keeps its key in
# .certform/keys (mode 0600); the state only records its fingerprint.
certificate "company_root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Quickstart Root CA"
  validity    = "3650d"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

issuer "ca" "company" {
  certificate = certificate.company_root
}

certificate "app" {
  issuer       = issuer.ca.company
  common_name  = var.host
  dns_names    = [var.host]
  validity     = "397d"
  renew_before = "30d"
  key {
    algorithm = "RSA"
    bits      = 2048
  }
}

trust_chain "company" {
  roots = [certificate.company_root]
}

store "pem_files" "app" {
  certificate = certificate.app
  cert        = "out/app/cert.pem"
  key         = "out/app/key.pem"
  fullchain   = "out/app/fullchain.pem"
}

store "pem_files" "ca_bundle" {
  trust  = [trust_chain.company]
  bundle = "out/ca-bundle.pem"
}

endpoint "app" {
  url         = "https://${var.host}:8443"
  certificate = certificate.app
  tls_only    = true
}

ini_file "app" {
  path   = "out/app.ini"
  create = true
  section "tls" {
    enabled   = true
    port      = endpoint.app.port
    cert_file = "app/fullchain.pem"
    key_file  = "app/key.pem"
  }
}

output "app_fingerprint" {
  value = certificate.app.fingerprint_sha256
}
