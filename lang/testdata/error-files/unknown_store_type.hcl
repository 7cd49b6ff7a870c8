store "pem_filez" "x" { # ERROR: Unknown store type "pem_filez"
}
