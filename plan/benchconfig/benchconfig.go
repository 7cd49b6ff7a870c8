// Package benchconfig writes large generated configurations for measuring
// certform: cmd/certform-bench runs the certform binary on them, and the
// benchmarks in plan run the engine on them.
package benchconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Generate writes a configuration of about n resources, spread over files
// *.hcl files, into dir, together with the INI files it edits: one CA (a
// certificate and its issuer), then units of four resources: a certificate,
// a PEM store, an INI file with five managed keys and a component that
// writes its URL into that INI file. The configuration passes every check
// (plan/checks), so that its no-op plan prints nothing but "No changes.".
func Generate(dir string, n, files int) error {
	if n < 4 || files < 1 {
		return fmt.Errorf("generating a configuration of %d resources in %d files: want at least 4 resources and 1 file", n, files)
	}
	units := (n - 2) / 4
	bufs := make([]strings.Builder, files)
	fmt.Fprintf(&bufs[0], `certificate "root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Bench Root CA"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

issuer "ca" "root" {
  certificate = certificate.root
}
`)
	if err := os.MkdirAll(filepath.Join(dir, "ini"), 0o755); err != nil {
		return err
	}
	for i := 0; i < units; i++ {
		b := &bufs[i%files]
		host := fmt.Sprintf("host%d.example.test", i)
		ini := filepath.Join("ini", fmt.Sprintf("app%d.cfg", i))
		if err := os.WriteFile(filepath.Join(dir, ini), []byte(fmt.Sprintf("; app %d\n[Server]\nName = app%d\nPort = 80\n\n[Client]\nUrl = %s:80\n", i, i, host)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(b, `
certificate "c%[1]d" {
  issuer      = issuer.ca.root
  common_name = "%[2]s"
  dns_names   = ["%[2]s"]
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

store "pem_files" "c%[1]d" {
  certificate = certificate.c%[1]d
  cert        = "pem/c%[1]d/cert.pem"
  key         = "pem/c%[1]d/key.pem"
}

ini_file "c%[1]d" {
  path = "%[3]s"
  section "Server" {
    Port           = 0
    SSLPort        = 8443
    SSLCertificate = certificate.c%[1]d.common_name
    SSLAlgorithms  = "SHA256"
    SSLProtocols   = "TLS12"
  }
}

component "c%[1]d" {
  endpoint = { url = "https://%[2]s:8443" }
  url_in {
    file    = "%[3]s"
    section = "Client"
    key     = "Url"
  }
}
`, i, host, ini)
	}
	for i := range bufs {
		name := filepath.Join(dir, fmt.Sprintf("bench%02d.hcl", i))
		if err := os.WriteFile(name, []byte(bufs[i].String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
