certificate "ies" {
  issuer    = self_signed
  dns_names = "ies.example.test" # ERROR: Incorrect attribute value type
}
