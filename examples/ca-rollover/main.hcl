# A CA rollover: the company root CA "Example Corp Root CA 2015" is replaced
# by "Example Corp Root CA 2025" across a Java truststore, a PEM bundle and
# two server certificates, without a moment in which a client distrusts a
# server:
#
#   1 trust_new_root   every truststore holds the old and the new root;
#                      wait until the stores certform writes hold it (read
#                      live) and the clients certform does not manage got
#                      it too (confirm)
#   2 switch_servers   the server certificates are issued again, by the new
#                      root, and the servers restarted; wait until both
#                      endpoints serve them (probed) and var.soak_time
#                      passed
#   3 retire_old_root  the old root leaves the truststores
#
# Each apply begins at most one stage (`certform apply --through STAGE`
# goes on while the gates hold). `certform rotation status` shows where the
# rollover stands.
#
# Everything is written below this directory. The endpoint gate probes the
# two servers at var.portal_addr and var.api_addr: run them locally, each
# in a terminal of its own, for instance
#
#   openssl s_server -accept 8443 -cert servers/portal/tls/fullchain.pem -key servers/portal/tls/key.pem -www
#   openssl s_server -accept 9443 -cert servers/api/tls/fullchain.pem -key servers/api/tls/key.pem -www
#
# and restart them when certform says so (hook.restart_*).
#
#   certform plan
#   certform apply

variable "truststore_password" {
  type        = string
  default     = "changeit"
  sensitive   = true
  description = "Password of the Java truststore."
}

variable "portal_addr" {
  type        = string
  default     = "127.0.0.1:8443"
  description = "Where the portal server listens, for the probe."
}

variable "api_addr" {
  type        = string
  default     = "127.0.0.1:9443"
  description = "Where the API server listens, for the probe."
}

variable "soak_time" {
  type        = string
  default     = "7d"
  description = "How long the servers run with the new certificates before the old root is removed."
}

# --- The two roots ------------------------------------------------------------

certificate "root_2015" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Example Corp Root CA 2015"
  validity    = "3650d"
  key {
    algorithm = "ECDSA"
    curve     = "P384"
  }
}

issuer "ca" "root_2015" {
  certificate = certificate.root_2015
}

certificate "root_2025" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Example Corp Root CA 2025"
  validity    = "7300d"
  key {
    algorithm = "ECDSA"
    curve     = "P384"
  }
}

issuer "ca" "root_2025" {
  certificate = certificate.root_2025
}

rotation "company_root" {
  description = "Company root CA rollover, 2015 to 2025."
  outgoing    = issuer.ca.root_2015
  incoming    = issuer.ca.root_2025

  stage "trust_new_root" {
    description = "Every truststore trusts both roots."
    gate {
      stores  = [store.java_keystore.truststore, store.pem_files.ca_bundle]
      confirm = "The clients certform does not manage (desktops by GPO, partner systems) trust Example Corp Root CA 2025."
    }
  }

  stage "switch_servers" {
    description = "The server certificates are issued by the new root."
    activate    = true
    gate {
      endpoints = [endpoint.portal, endpoint.api]
      min_wait  = var.soak_time
    }
  }

  stage "retire_old_root" {
    description = "The old root leaves the truststores."
    retire      = true
  }
}

# --- Who trusts what ------------------------------------------------------------

# The roots clients must trust: the old one, both during the rollover, then
# the new one (rotation.company_root.installed follows the stages).
trust_chain "company" {
  roots = rotation.company_root.installed
}

store "java_keystore" "truststore" {
  path     = "app/conf/truststore.jks"
  type     = "JKS"
  password = var.truststore_password
  trust    = [trust_chain.company]
}

store "pem_files" "ca_bundle" {
  trust  = [trust_chain.company]
  bundle = "clients/ca-bundle.pem"
}

# --- The two servers --------------------------------------------------------------

certificate "portal" {
  issuer      = rotation.company_root.active
  common_name = "portal.example.test"
  dns_names   = ["portal.example.test"]
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

store "pem_files" "portal" {
  certificate = certificate.portal
  fullchain   = "servers/portal/tls/fullchain.pem"
  key         = "servers/portal/tls/key.pem"
  on_change   = [hook.restart_portal]
}

endpoint "portal" {
  url           = "https://portal.example.test"
  certificate   = certificate.portal
  probe         = true
  probe_address = var.portal_addr
  probe_wait    = "5s"
  on_change     = [hook.restart_portal] # when it serves another certificate
}

hook "restart_portal" {
  command = ["sh", "-c", "date +%s%N > servers/portal/tls/restart && echo portal restarted"]
}

certificate "api" {
  issuer      = rotation.company_root.active
  common_name = "api.example.test"
  dns_names   = ["api.example.test"]
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

store "pem_files" "api" {
  certificate = certificate.api
  fullchain   = "servers/api/tls/fullchain.pem"
  key         = "servers/api/tls/key.pem"
  on_change   = [hook.restart_api]
}

endpoint "api" {
  url           = "https://api.example.test"
  certificate   = certificate.api
  probe         = true
  probe_address = var.api_addr
  probe_wait    = "5s"
  on_change     = [hook.restart_api] # when it serves another certificate
}

hook "restart_api" {
  command = ["sh", "-c", "date +%s%N > servers/api/tls/restart && echo api restarted"]
}
