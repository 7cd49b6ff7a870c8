certificate "a" {
  issuer = self_signed
}
certificate "b" { # ERROR: on_change must name hooks
  issuer    = self_signed
  on_change = [certificate.a]
}
