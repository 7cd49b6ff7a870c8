# CURSOR CRM (seed 004): a CRM application server with a certificate from
# the company-owned PKI.
#
# - The company PKI: a root CA and an issuing (intermediate) CA below it.
# - The server certificate, issued by the intermediate; its subject
#   alternative names cover every host name in the URLs clients use
#   (the endpoints below check that).
# - The application's Java truststore: the root and the intermediate, never
#   the server certificate itself, plus the CA of the SSL-inspecting proxy
#   the server talks to Microsoft 365 and the ERP through.
# - The operating system's trust store, for interface systems on the same
#   host that use it instead of a truststore of their own.
# - A PKCS#12 file with the certificate, its chain and key for the
#   application server (wrapper.conf points the JVM at it).
#
# Everything is written below this directory. The OS trust store goes to
# ./os-root, a stand-in for "/": set os_root = "/" on the real server.
#
#   certform validate
#   CERTFORM_VAR_keystore_password=... certform plan
#   CERTFORM_VAR_keystore_password=... certform apply

variable "hosts" {
  type        = list(string)
  default     = ["crm.example.test", "crm-api.example.test", "crmapp01.corp.example.test"]
  description = "Every DNS name clients use: the web client and app (via the reverse proxy), interfaces, and the application server itself (the proxy's back end)."
}

variable "keystore_password" {
  type        = string
  sensitive   = true
  description = "Password of the application server's PKCS#12 file."
}

# A truststore holds public certificates only; its password guards its
# integrity, and Java's default is "changeit". Sensitive all the same:
# plans still say alias by alias what changes, never the password.
variable "truststore_password" {
  type        = string
  default     = "changeit"
  sensitive   = true
  description = "Password of the Java truststore."
}

variable "os_root" {
  type        = string
  default     = "os-root"
  description = "Root of the OS trust store: \"/\" on the server."
}

# --- Company-owned PKI ------------------------------------------------------

certificate "company_root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Example Corp Root CA"
  validity    = "7300d"
  key {
    algorithm = "ECDSA"
    curve     = "P384"
  }
}

issuer "ca" "root" {
  certificate = certificate.company_root
}

certificate "company_issuing" {
  issuer      = issuer.ca.root
  is_ca       = true
  common_name = "Example Corp Issuing CA 1"
  validity    = "3650d"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

issuer "ca" "issuing" {
  certificate = certificate.company_issuing
}

# Browsers and mobile devices accept at most 398 days for certificates
# issued after 2020-09-01; the app refuses anything it cannot verify.
certificate "crm" {
  issuer       = issuer.ca.issuing
  common_name  = var.hosts[0]
  dns_names    = var.hosts
  organization = "Example Corp"
  validity     = "397d"
  renew_before = "30d"
  key {
    algorithm = "RSA"
    bits      = 2048
  }
}

# --- Trust ------------------------------------------------------------------

# What clients of the CRM need: the root and every intermediate.
trust_chain "company" {
  roots         = [certificate.company_root]
  intermediates = [certificate.company_issuing]
}

# The proxy inspects TLS (SSL offloading) and re-signs with its own CA.
trust_chain "proxy" {
  roots = [file("pki/proxy-inspection-ca.pem")]
}

store "java_keystore" "truststore" {
  type     = "JKS"
  path     = "server/conf/truststore.jks"
  password = var.truststore_password
  trust    = [trust_chain.company, trust_chain.proxy]
}

store "system_trust" "company" {
  trust = [trust_chain.company]
  style = "debian" # /usr/local/share/ca-certificates + update-ca-certificates
  root  = var.os_root
}

# --- The application server -------------------------------------------------

store "pkcs12" "app" {
  certificate   = certificate.crm
  path          = "server/conf/crm.p12"
  password      = var.keystore_password
  friendly_name = "crm"
}

endpoint "webclient" {
  url         = "https://${var.hosts[0]}:443"
  certificate = certificate.crm
}

endpoint "interfaces" {
  url         = "https://${var.hosts[1]}:443"
  certificate = certificate.crm
}

endpoint "app_server" {
  url         = "https://${var.hosts[2]}:8443"
  certificate = certificate.crm
}

output "crm_fingerprint" {
  value = certificate.crm.fingerprint_sha256
}

output "truststore_entries" {
  value = keys(store.java_keystore.truststore.entries)
}
