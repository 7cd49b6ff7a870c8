endpoint "ies" {
  url         = "iwfms://ies:45054"
  certificate = certificate.missing # ERROR: Reference to undeclared block
}
