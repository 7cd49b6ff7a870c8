certificate "ies" {
  issuer      = self_signed
  comon_name  = "ies.example.test" # ERROR: Unsupported argument
}
