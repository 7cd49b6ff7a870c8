# profacto (seed 002): the web server built into profacto gets a
# certificate from Let's Encrypt. What profacto asks for:
#
#   - a domain under which the server is reachable from the internet
#     (meinefirma.de, firma.dyndns.org); an IP address is not enough;
#   - an e-mail address for the Let's Encrypt account (any domain);
#   - port 80 forwarded to port 8080, where the validation request is
#     answered: here certform answers it while the order is pending;
#   - the certificate renewed when 30 days or fewer remain;
#   - cert.pem and key.pem in <database directory>/letsencrypt/
#     org.letsencrypt.api.acme-v02/orders/<order>/, and the server
#     restarted to load them.
#
# certform apply --var domain=firma.dyndns.org --var email=it@meinefirma.de
# Against a local Pebble instead of Let's Encrypt: see README.md.

variable "domain" {
  type        = string
  description = "Public domain name of the profacto server, such as firma.dyndns.org."
}

variable "email" {
  type        = string
  description = "Contact address of the Let's Encrypt account; it need not belong to the domain."
}

variable "directory" {
  type        = string
  default     = "https://acme-v02.api.letsencrypt.org/directory"
  description = "ACME directory. For trials: https://acme-staging-v02.api.letsencrypt.org/directory."
}

variable "ca_roots" {
  type        = string
  default     = ""
  description = "PEM of the ACME server's TLS root, for a private ACME server such as Pebble; empty for Let's Encrypt."
}

variable "http01_listen" {
  type        = string
  default     = ":8080"
  description = "Where certform answers the HTTP-01 challenge; the router forwards port 80 here."
}

variable "database_dir" {
  type        = string
  default     = "profacto-db"
  description = "profacto's database directory."
}

variable "order" {
  type        = string
  default     = "certform"
  description = "Name of the order directory below letsencrypt/org.letsencrypt.api.acme-v02/orders."
}

variable "restart_command" {
  type        = list(string)
  default     = ["systemctl", "restart", "profacto"]
  description = "Restarts profacto so it loads the new certificate; on Windows for example [\"powershell\", \"-Command\", \"Restart-Service profacto\"]."
}

issuer "acme" "letsencrypt" {
  directory = var.directory
  email     = var.email
  ca_roots  = var.ca_roots
  http01 {
    listen = var.http01_listen
  }
}

certificate "profacto" {
  issuer       = issuer.acme.letsencrypt
  dns_names    = [var.domain]
  renew_before = "30d"
  key {
    algorithm = "RSA"
    bits      = 2048
  }
}

locals {
  order_dir = "${var.database_dir}/letsencrypt/org.letsencrypt.api.acme-v02/orders/${var.order}"
}

# cert.pem holds the certificate followed by the intermediate, as a web
# server must send both.
store "pem_files" "profacto" {
  certificate = certificate.profacto
  fullchain   = "${local.order_dir}/cert.pem"
  key         = "${local.order_dir}/key.pem"
  on_change   = [hook.restart_profacto]
}

endpoint "profacto" {
  url         = "https://${var.domain}"
  certificate = certificate.profacto
  tls_only    = true
}

hook "restart_profacto" {
  command = var.restart_command
}

# Let's Encrypt validates on port 80, certform answers on 8080: the
# warning acme-http01-listener says so, and seed 002 is exactly this set-up.
checks {
  accept "acme-http01-listener" {
    resources = [certificate.profacto]
    reason    = "Seed 002: the router forwards public port 80 to the http01_listen port (8080), where certform answers HTTP-01."
  }
}

output "expires" {
  value = certificate.profacto.not_after
}

output "order" {
  value = certificate.profacto.acme.order_id
}
