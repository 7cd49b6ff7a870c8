certificate "ies" {
  issuer = self_signed
  common_name = = "x" # ERROR: Invalid expression
}
