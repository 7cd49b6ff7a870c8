certificat "ies" { # ERROR: Unsupported block type
  issuer = self_signed
}
