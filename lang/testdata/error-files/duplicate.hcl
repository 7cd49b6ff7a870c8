certificate "ies" {
  issuer = self_signed
}
certificate "ies" { # ERROR: Duplicate certificate block
  issuer = self_signed
}
