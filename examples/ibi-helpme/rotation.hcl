# The new pair and the rotation from the 2025 pair to it (seed 001,
# "Zertifikat austauschen").

# Step 1: the new certificate pair.
certificate "helpme_2027" {
  issuer         = self_signed
  common_name    = "IBI-helpMe Configuration 2027"
  organization   = "Example GmbH"
  validity       = "1095d"
  key_usages     = ["digital_signature", "key_encipherment", "data_encipherment"]
  ext_key_usages = ["email_protection"]
  key {
    algorithm = "RSA"
    bits      = 3072
  }
}

# Step 2: "Client-Zertifikate exportieren", the file the admin hands out.
store "pkcs12" "export_2027" {
  certificate = certificate.helpme_2027
  path        = "admin/export/helpme-2027.pfx"
  password    = var.pfx_password
}

# Step 3: the new pair next to the old one in every client store.
store "pkcs12" "site_a_2027" {
  certificate = certificate.helpme_2027
  path        = "clients/site-a/helpme-2027.pfx"
  password    = var.pfx_password
}

store "pkcs12" "site_b_2027" {
  certificate = certificate.helpme_2027
  path        = "clients/site-b/helpme-2027.pfx"
  password    = var.pfx_password
}

store "pkcs12" "share_2027" {
  certificate = certificate.helpme_2027
  path        = "share/helpme/helpme-2027.pfx"
  password    = var.pfx_password
}

# Step 5: the client start parameters. CertificateSource tells the clients
# where the pairs are when they are not in [LocalMachine]\My (here: the
# exported files); see the vendor's CertificateSource page for its syntax.
ini_file "client_start" {
  path   = "clients/helpme-client.ini"
  create = true
  section "Start" {
    CertificateSource = "File:share/helpme"
  }
}

# Step 9: refuse unencrypted configuration files.
ini_file "client_strict" {
  path   = "clients/helpme-client-strict.ini"
  create = true
  section "Start" {
    AcceptEncryptedDataOnly = true
  }
}

rotation "helpme" {
  description = "IBI-helpMe configuration encryption: the 2025 pair is replaced by the 2027 pair."
  outgoing    = certificate.helpme_2025
  incoming    = certificate.helpme_2027

  stage "distribute" {
    description = "Steps 1-4: export the new pair and distribute it next to the old one."
    changes = [
      store.pkcs12.export_2027,
      store.pkcs12.site_a_2027,
      store.pkcs12.site_b_2027,
      store.pkcs12.share_2027,
    ]
    gate {
      stores  = [store.pkcs12.site_a_2027, store.pkcs12.site_b_2027, store.pkcs12.share_2027]
      confirm = "The people responsible for every client confirm that the new pair is available there (Verteilungsstand)."
    }
  }

  stage "start_parameter" {
    description = "Steps 5-6: extend the client start parameter CertificateSource."
    changes     = [ini_file.client_start]
    gate {
      confirm = "Every IBI-helpMe client has been started with the extended start parameter (start script deployed)."
    }
  }

  stage "activate" {
    description = "Steps 7-8: mark the new pair active and save the configuration, now encrypted with it."
    activate    = true
    gate {
      min_wait = var.activation_wait
      confirm  = "Every IBI-helpMe client reads the configuration encrypted with the new pair."
    }
  }

  stage "encrypted_only" {
    description = "Step 9: accept encrypted configuration files only; the old pair is retired."
    retire      = true
    changes     = [ini_file.client_strict]
    remove      = [store.pkcs12.site_a_2025, store.pkcs12.site_b_2025, store.pkcs12.share_2025]
  }
}

# On Windows clients the recommended store is the computer's certificate
# store. Uncomment, add store.windows.client_2027 to the distribute stage's
# changes and gate stores (certform reads the store live), and run certform
# on that machine:
#
# store "windows" "client_2027" {
#   certificate = certificate.helpme_2027
#   location    = "LocalMachine"
#   store       = "My"
# }
