# InVision Enterprise Server (seed 000): TLS for the Enterprise Server on
# iwfms:// port 45054 and for the HTTP server on https:// port 443, with a
# certificate from the company CA, and every client component switched to
# iwfms://.
#
# The server reads its certificate from a Windows store (SSLCertificateStore,
# SSLCertificateStoreLocation, SSLCertificate). Until certform writes the
# Windows store itself, the certificate and key are written as PEM files for
# import, and isps.cfg names the certificate by its common name.

variable "host" {
  type        = string
  default     = "ies.example.test"
  description = "DNS name of the InVision Enterprise Server, as clients reach it."
}

variable "probe" {
  type        = bool
  default     = true
  description = "Probe the endpoints: every plan compares the certificate they serve with the installed one, and apply waits until the restarted service serves the new one. false where certform has no way to the server (a build agent, or trying this example, whose ies.example.test does not resolve)."
}

variable "restart_command" {
  type        = list(string)
  default     = ["sh", "-c", "echo 'restart the InVision Enterprise service to load the new configuration'"]
  description = "Restarts the service; on Windows for example [\"powershell\", \"-Command\", \"Restart-Service 'InVision Enterprise Server'\"]."
}

certificate "company_root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Example Corp Root CA"
  validity    = "3650d"
  key {
    algorithm = "RSA"
    bits      = 3072
  }
}

issuer "ca" "company" {
  certificate = certificate.company_root
}

certificate "ies" {
  issuer       = issuer.ca.company
  common_name  = var.host
  dns_names    = [var.host]
  validity     = "397d"
  renew_before = "30d"
  key {
    algorithm = "RSA"
    bits      = 2048
  }
  # The server loads the certificate from the Windows store MY (isps.cfg),
  # which needs it as PKCS#12 with its key (check windows-store-pkcs12).
  ignore_checks = [{
    check  = "windows-store-pkcs12"
    reason = "This example runs on Linux hosts too: the PEM files are imported by hand (openssl pkcs12 -export, then certutil -importPFX). On the Windows server, use store \"windows\" instead."
  }]
}

trust_chain "company" {
  roots = [certificate.company_root]
}

store "pem_files" "ies" {
  certificate = certificate.ies
  cert        = "server/tls/ies.pem"
  key         = "server/tls/ies.key"
  chain       = "server/tls/chain.pem"
}

store "pem_files" "client_ca" {
  trust  = [trust_chain.company]
  bundle = "jobprocessor/ca.pem"
}

# probe = true: refresh connects to the endpoint and compares the
# certificate it serves with the one certform installed (a difference is
# drift, and on_change restarts the service); after apply, certform waits
# until the restarted service serves the new certificate. Where the
# endpoint cannot be reached (another network), plan and apply only warn;
# probe_required = true makes that an error, probe_address = "HOST:PORT"
# connects elsewhere (the URL's host is still sent as SNI), and
# -var probe=false turns probing off.
endpoint "ies" {
  url         = "iwfms://${var.host}:45054"
  certificate = certificate.ies
  tls_only    = true # ServerPort = 0
  probe       = var.probe
  on_change   = [hook.restart_ies]
}

endpoint "ies_http" {
  url         = "https://${var.host}:443"
  certificate = certificate.ies
  tls_only    = true # HTTPPort = 0
  probe       = var.probe
  on_change   = [hook.restart_ies]
}

ini_file "isps" {
  path = "server/isps.cfg"
  section "InVision Enterprise Server" {
    ServerPort                  = 0
    SSLPort                     = endpoint.ies.port
    SSLCertificateStore         = "MY"
    SSLCertificateStoreLocation = "LocalMachine"
    SSLCertificate              = certificate.ies.common_name
    SSLProtocols                = "TLS12"
    SSLAlgorithms               = "SHA256"
  }
  section "InVision HTTP Server" {
    HTTPPort                    = 0
    HTTPSPort                   = endpoint.ies_http.port
    SSLCertificateStore         = "MY"
    SSLCertificateStoreLocation = "LocalMachine"
    SSLCertificate              = certificate.ies.common_name
    SSLMaxCipherLength          = 0
    SSLProtocols                = "TLS12"
    # Seed 000: without it the server uses SHA1, which does not fit a
    # certificate signed with SHA-256 (0x80090331).
    SSLAlgorithms               = "SHA256"
  }
  on_change = [hook.restart_ies]
}

# The server's own client sections must use iwfms:// too.
component "server_local" {
  endpoint = endpoint.ies
  url_in {
    file    = "server/isps.cfg"
    section = "IES System Local"
    key     = "Url"
  }
  on_change = [hook.restart_ies]
}

component "server_jobprocessor" {
  endpoint = endpoint.ies
  url_in {
    file    = "server/isps.cfg"
    section = "InVision JobProcessor"
    key     = "Url"
  }
  on_change = [hook.restart_ies]
}

component "jobprocessor" {
  endpoint = endpoint.ies
  trusts   = [store.pem_files.client_ca]
  url_in {
    file    = "jobprocessor/isps.cfg"
    section = "InVision JobProcessor"
    key     = "Url"
  }
}

# The JobProcessor's host has its own [IES System Local] section, which
# must use iwfms:// as well (seed 000: both sections).
component "jobprocessor_local" {
  endpoint = endpoint.ies
  trusts   = [store.pem_files.client_ca]
  url_in {
    file    = "jobprocessor/isps.cfg"
    section = "IES System Local"
    key     = "Url"
  }
}

component "xlink" {
  endpoint = endpoint.ies
  url_in {
    file    = "xlink/isps.cfg"
    section = "IES System Local"
    key     = "Url"
  }
}

hook "restart_ies" {
  command = var.restart_command
  timeout = "2m"
}

output "ies_thumbprint" {
  value = certificate.ies.thumbprint_sha1
}
