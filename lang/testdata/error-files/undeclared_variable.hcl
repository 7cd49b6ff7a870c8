certificate "ies" {
  issuer      = self_signed
  common_name = var.hots # ERROR: Reference to undeclared variable
}
