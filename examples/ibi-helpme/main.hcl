# IBI-helpMe (seed 001): replacing the certificate pair that encrypts the
# IBI-helpMe configuration file, without locking out a single client.
#
# The clients decrypt the configuration with the pair, so the new pair must
# be everywhere before the administrator activates it, and the old pair
# must stay until then. certform does the steps of the vendor's guide as
# the stages of rotation.helpme (rotation.hcl):
#
#   1-4  distribute  generate the 2027 pair, export it as PKCS#12, put it
#                    next to the 2025 pair on every client; wait until every
#                    client store holds it (read live) and the site admins
#                    confirm
#   5-6  start_parameter
#                    extend the client start parameters (CertificateSource);
#                    wait until every client was started with them (confirm)
#   7-8  activate    mark the 2027 pair active in the admin configuration
#                    and save it (now encrypted with the new pair); wait
#                    var.activation_wait
#   9    encrypted_only
#                    AcceptEncryptedDataOnly on the clients; the 2025 pair
#                    is retired and its files removed
#
# Every apply begins at most one stage, and only when the gate of the
# stage before holds. `certform rotation status` shows where it stands;
# `certform rotation confirm helpme STAGE` records a manual confirmation.
#
# Everything is written below this directory: clients/ stands for the client
# machines' certificate folders, share/ for the file share. On Windows
# clients, import the pair into [LocalMachine]\My instead (the block at the
# end of rotation.hcl; it needs Windows).
#
#   CERTFORM_VAR_pfx_password=... certform plan
#   CERTFORM_VAR_pfx_password=... certform apply

variable "pfx_password" {
  type        = string
  sensitive   = true
  description = "Password of the exported client certificate files (PKCS#12)."
}

variable "activation_wait" {
  type        = string
  default     = "24h"
  description = "How long to watch the activated pair before the clients refuse unencrypted configuration files."
}

# The pair in use until now. In a real installation it exists already: import
# it (certificate { import { pfx = filebase64(...) } }) instead of issuing it.
certificate "helpme_2025" {
  issuer         = self_signed
  common_name    = "IBI-helpMe Configuration 2025"
  organization   = "Example GmbH"
  validity       = "1095d"
  key_usages     = ["digital_signature", "key_encipherment", "data_encipherment"]
  ext_key_usages = ["email_protection"]
  key {
    algorithm = "RSA"
    bits      = 3072
  }
}

# The client stores of the 2025 pair: one exported file per client site
# and one on the file share.
store "pkcs12" "site_a_2025" {
  certificate = certificate.helpme_2025
  path        = "clients/site-a/helpme-2025.pfx"
  password    = var.pfx_password
}

store "pkcs12" "site_b_2025" {
  certificate = certificate.helpme_2025
  path        = "clients/site-b/helpme-2025.pfx"
  password    = var.pfx_password
}

store "pkcs12" "share_2025" {
  certificate = certificate.helpme_2025
  path        = "share/helpme/helpme-2025.pfx"
  password    = var.pfx_password
}

# The administrator's configuration: which pair encrypts the configuration
# file. It follows the rotation: the 2025 pair until stage activate, then
# the 2027 pair, and the configuration is saved again (encrypted with it).
ini_file "admin" {
  path   = "admin/helpme-admin.ini"
  create = true
  section "Certificates" {
    ActiveCertificate = rotation.helpme.active.thumbprint_sha1
    ActiveSubject     = rotation.helpme.active.common_name
  }
  on_change = [hook.save_config]
}

# Saving the configuration (step 8). Here a script that records the save;
# on the admin machine, the IBI-helpMe admin's own save.
hook "save_config" {
  command     = ["sh", "admin/save-config.sh"]
  working_dir = "."
}
