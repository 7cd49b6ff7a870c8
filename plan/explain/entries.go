package explain

// entries is the knowledge base. Seed 000 (InVision Enterprise Server)
// gives the Schannel codes and their causes, seed 004 (CURSOR CRM) the
// truststore rules and Java's certpath debugging, seed 003 (FLOWFACT) the
// self-signed certificate in browsers. Check ids are those of package
// plan/checks (docs/checks.md).
var entries = []*Entry{
	{
		ID:      "schannel-0x80090331",
		Name:    "0x80090331",
		Title:   "SEC_E_ALGORITHM_MISMATCH (0x80090331): unable to finish SSL handshake",
		Where:   "Schannel (Windows TLS), in the server's log, such as the InVision Enterprise Server's ies64.log",
		Codes:   []string{"0x80090331", "SEC_E_ALGORITHM_MISMATCH"},
		Phrases: []string{"do not possess a common algorithm", "algorithm mismatch"},
		Cause: "Client and server share no algorithm. Seed 000: the algorithm configured for the server (SSLAlgorithms in isps.cfg; " +
			"the server uses SHA1 when it is not set) does not fit the certificate's signature algorithm, for example SSLAlgorithms = \"SHA1\" " +
			"with a certificate signed with SHA-256. A protocol list the client does not speak (SSLProtocols = \"TLS12\" against a TLS 1.0 client) ends the same way.",
		Confirm: []string{
			"Read the certificate's signature algorithm: openssl x509 -in cert.pem -noout -text | grep \"Signature Algorithm\" (on Windows: certutil -dump cert.pfx).",
			"Compare it with SSLAlgorithms and SSLProtocols in the server's section of isps.cfg ([InVision Enterprise Server], [InVision HTTP Server]).",
			"certform probe iwfms://HOST:PORT shows the served certificate's signature algorithm and the protocol the server negotiates.",
		},
		Fix: []string{
			"Set SSLAlgorithms to the certificate's hash (SHA256 for the certificates certform issues) and restart the service.",
			"Or issue the certificate with the algorithm the server is configured for.",
			"Keep SSLProtocols to versions both sides speak (TLS12).",
		},
		Checks: []string{"algorithm-matches-certificate", "tls-protocol-versions"},
		Source: "seed 000",
	},
	{
		ID:      "schannel-0x80090308",
		Name:    "0x80090308",
		Title:   "SEC_E_INVALID_TOKEN (0x80090308): unable to finish SSL handshake",
		Where:   "Schannel (Windows TLS), in the server's log, such as ies64.log",
		Codes:   []string{"0x80090308", "SEC_E_INVALID_TOKEN"},
		Phrases: []string{"the token supplied to the function is invalid"},
		Cause: "A client connects to the TLS port without TLS. Seed 000: a component (JobProcessor, Xlink, AutoScheduler, report or import server, " +
			"the server's own [IES System Local]) still has Url = \"host:45054\" without iwfms://, so it speaks plain text to the SSL port.",
		Confirm: []string{
			"Look at Url in every component's isps.cfg: a URL without iwfms:// is the culprit.",
			"The error repeats in ies64.log each time that component connects; the log line names the client's address.",
		},
		Fix: []string{
			"Put iwfms:// before the server name: Url = \"iwfms://HOST:45054\", and restart the component.",
			"With certform: a component block with endpoint = endpoint.NAME writes the endpoint's URL, iwfms:// included; mark the endpoint tls_only = true.",
		},
		Checks: []string{"tls-only-reached-by-tls"},
		Source: "seed 000",
	},
	{
		ID:      "schannel-0x8009030e",
		Name:    "0x8009030e",
		Title:   "SEC_E_NO_CREDENTIALS (0x8009030e): unable to load credentials",
		Where:   "Schannel (Windows TLS), in the server's log when it starts, such as ies64.log",
		Codes:   []string{"0x8009030e", "SEC_E_NO_CREDENTIALS"},
		Phrases: []string{"unable to load credentials", "no credentials are available in the security package"},
		Cause: "The server found the certificate but cannot use its private key. Seed 000 names three causes: the certificate was not imported " +
			"as PKCS#12 (.pfx), so the store holds it without its key; the service's user may not read the certificate store or the key; " +
			"SSLMaxCipherLength in isps.cfg is set wrong.",
		Confirm: []string{
			"certutil -store MY (add -user for CurrentUser): the entry must say that a private key is present (\"Private key is NOT exportable\" is fine; \"No key provider information\" is not).",
			"In certlm.msc, right-click the certificate, All Tasks, Manage Private Keys: the service's account needs Read.",
			"Look at SSLMaxCipherLength in isps.cfg.",
		},
		Fix: []string{
			"Import the certificate with its key as .pfx: store \"pkcs12\" writes one, store \"windows\" imports it into the store directly.",
			"Give the service's account read access to the key.",
			"Set SSLMaxCipherLength = 0.",
		},
		Checks: []string{"windows-store-pkcs12"},
		Source: "seed 000",
	},
	{
		ID:      "schannel-certificate-not-found",
		Name:    "unable to find certificate named",
		Title:   "unable to find certificate named \"xyz\" in store \"ROOT\"",
		Where:   "The InVision Enterprise Server's log ies64.log, when it starts",
		Codes:   []string{"0x80092004", "CRYPT_E_NOT_FOUND"},
		Phrases: []string{"unable to find certificate", "the object or the property could not be found", "certificate not found in store"},
		Cause: "The server looks the certificate up by the name in SSLCertificate, in the store SSLCertificateStore (MY, ROOT, TRUST, CA) " +
			"of SSLCertificateStoreLocation (LocalMachine, CurrentUser), and finds none. Seed 000: the certificate was not imported, was imported " +
			"into another store, or isps.cfg holds the wrong name (use the value of the issued-by field or the friendly name).",
		Confirm: []string{
			"certutil -store ROOT (or MY; add -user for CurrentUser) lists what the store holds with subject and friendly name.",
			"PowerShell: Get-ChildItem Cert:\\LocalMachine\\My | Format-List Subject, FriendlyName, Thumbprint.",
			"Compare with SSLCertificate, SSLCertificateStore and SSLCertificateStoreLocation in isps.cfg.",
		},
		Fix: []string{
			"Set SSLCertificate to the certificate's friendly name; with certform, refer to it: SSLCertificate = store.windows.NAME.friendly_name (or certificate.NAME.common_name).",
			"Make SSLCertificateStore and SSLCertificateStoreLocation name the store the certificate is in (store.windows.NAME.store_name and .location).",
		},
		Checks: []string{"certificate-name-in-store", "windows-store-pkcs12"},
		Source: "seed 000",
	},
	{
		ID:    "java-pkix",
		Name:  "PKIX path building failed",
		Title: "PKIX path building failed: unable to find valid certification path to requested target",
		Where: "Java (javax.net.ssl.SSLHandshakeException, sun.security.provider.certpath.SunCertPathBuilderException), in an application's log",
		Codes: []string{"SunCertPathBuilderException", "PKIX"},
		Phrases: []string{"pkix path building failed", "unable to find valid certification path", "unable to find valid certification path to requested target",
			"pkix path validation failed"},
		Cause: "The Java truststore in use (the JVM's cacerts, or the application's own truststore) does not hold the root, or an intermediate, " +
			"of the chain the server presents. Seed 004: a truststore needs the root and every intermediate CA, never the server certificate; " +
			"an SSL-inspecting proxy presents its own CA, whose chain must be in the truststore too; both sides of an interface must trust each other's chain.",
		Confirm: []string{
			"keytool -list -v -keystore TRUSTSTORE lists the CAs it holds; compare with the chain the server sends: openssl s_client -connect HOST:PORT -showcerts.",
			"certform probe URL --trust trust_chain.NAME verifies the served chain against the chain you distribute.",
			"Seed 004: add -Djava.security.debug=certpath (wrapper.java.additional.N= in wrapper.conf) to log the path building; remove it afterwards, it writes thousands of lines per call.",
		},
		Fix: []string{
			"Import the root and every intermediate into the truststore the application uses: store \"java_keystore\" with trust = [trust_chain.NAME].",
			"Behind an SSL-inspecting proxy, add the proxy's CA chain as well.",
			"Make the server send its intermediates (fullchain).",
		},
		Checks: []string{"trust-covers-chain"},
		Source: "seed 004",
	},
	{
		ID:      "openssl-local-issuer",
		Name:    "unable to get local issuer certificate",
		Title:   "unable to get local issuer certificate (verify error:num=20)",
		Where:   "OpenSSL (openssl s_client, openssl verify, curl, Python, anything built on OpenSSL)",
		Codes:   []string{"X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "num=20"},
		Phrases: []string{"unable to get local issuer certificate", "unable to get issuer certificate"},
		Cause: "OpenSSL cannot find the certificate that issued one in the chain, neither among what the server sent nor in its CA file or store. " +
			"Either the server sent no intermediate, or the client's CA bundle lacks the root (a company root that was never distributed).",
		Confirm: []string{
			"openssl s_client -connect HOST:PORT -showcerts: count the certificates under \"Certificate chain\"; one (only 0 s:) means no intermediate was sent.",
			"openssl verify -CAfile root.pem -untrusted chain.pem cert.pem checks the chain you expect.",
			"certform probe URL --ca-file root.pem says \"the server sent no intermediate\" or which root is missing.",
		},
		Fix: []string{
			"Configure the server with the full chain: store \"pem_files\" writes fullchain (certificate and intermediates) or chain.",
			"Give the client the root: a trust_chain written into its CA bundle (store \"pem_files\" bundle, store \"system_trust\").",
		},
		Checks: []string{"trust-covers-chain"},
	},
	{
		ID:    "browser-authority-invalid",
		Name:  "NET::ERR_CERT_AUTHORITY_INVALID",
		Title: "NET::ERR_CERT_AUTHORITY_INVALID: the certificate is not trusted",
		Where: "Chrome and Edge (\"Your connection is not private\"); Firefox shows SEC_ERROR_UNKNOWN_ISSUER or MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT",
		Codes: []string{"NET::ERR_CERT_AUTHORITY_INVALID", "SEC_ERROR_UNKNOWN_ISSUER", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT", "0x80090325", "SEC_E_UNTRUSTED_ROOT"},
		Phrases: []string{"issued by an authority that is not trusted", "certificate is not trusted", "self-signed certificate",
			"self signed certificate in certificate chain"},
		Cause: "The browser finds no trusted root for the certificate. Seed 003: a preinstalled self-signed certificate encrypts but proves no identity, " +
			"so every browser warns. Other causes: a company CA that the client's operating system or browser does not trust, or a server that does not send its intermediates.",
		Confirm: []string{
			"Open the certificate viewer from the address bar: the certification path shows where it ends.",
			"certform probe https://HOST says whether the certificate is self-signed, the chain ends at an untrusted root, or the intermediate is missing.",
		},
		Fix: []string{
			"For users outside your network: a certificate from a public CA (issuer \"acme\", Let's Encrypt) for the installation's DNS name (seed 003).",
			"Inside: a company CA whose root every client trusts (store \"system_trust\" or store \"windows\" with trust = [trust_chain.NAME]).",
			"Serve the full chain.",
		},
		Checks: []string{"self-signed-for-browsers", "trust-covers-chain"},
		Source: "seed 003",
	},
	{
		ID:      "browser-common-name-invalid",
		Name:    "NET::ERR_CERT_COMMON_NAME_INVALID",
		Title:   "NET::ERR_CERT_COMMON_NAME_INVALID: the certificate is for another name",
		Where:   "Chrome and Edge; Firefox shows SSL_ERROR_BAD_CERT_DOMAIN; Schannel reports SEC_E_WRONG_PRINCIPAL (0x80090322)",
		Codes:   []string{"NET::ERR_CERT_COMMON_NAME_INVALID", "SSL_ERROR_BAD_CERT_DOMAIN", "0x80090322", "SEC_E_WRONG_PRINCIPAL"},
		Phrases: []string{"target principal name is incorrect", "hostname mismatch", "doesn't match any of the subject alternative names", "does not match the target host name"},
		Cause: "The host in the URL is not among the certificate's subject alternative names. Browsers ignore the common name; a wildcard " +
			"(*.example.com) covers exactly one label; a URL with an IP address needs that IP as a SAN. Seed 004: the DNS name used in URLs must be a " +
			"subjectAltName, and DNS names are preferable to IPs; behind a reverse proxy, the name the client uses is the proxy's.",
		Confirm: []string{
			"openssl x509 -in cert.pem -noout -ext subjectAltName lists the names.",
			"certform probe https://HOST says \"the certificate does not name HOST\" with the names it holds.",
		},
		Fix: []string{
			"Add every name clients use to dns_names (an IP to ip_addresses, but prefer a DNS name).",
			"Point clients at a name the certificate holds.",
		},
		Checks: []string{"san-covers-urls", "url-uses-dns-name"},
		Source: "seed 004",
	},
	{
		ID:      "browser-date-invalid",
		Name:    "NET::ERR_CERT_DATE_INVALID",
		Title:   "NET::ERR_CERT_DATE_INVALID: the certificate has expired or is not yet valid",
		Where:   "Chrome and Edge; Firefox shows SEC_ERROR_EXPIRED_CERTIFICATE; Schannel reports SEC_E_CERT_EXPIRED (0x80090328)",
		Codes:   []string{"NET::ERR_CERT_DATE_INVALID", "SEC_ERROR_EXPIRED_CERTIFICATE", "0x80090328", "SEC_E_CERT_EXPIRED", "certificate_expired"},
		Phrases: []string{"certificate has expired", "certificate is not yet valid", "expired certificate"},
		Cause: "Now is outside the certificate's validity: it expired (nobody renewed it, or the service still serves the old one after renewal), " +
			"it is not valid yet, or the client's clock is wrong.",
		Confirm: []string{
			"certform probe URL shows the days left of the certificate the server really serves.",
			"openssl x509 -in cert.pem -noout -dates shows the file's dates; if the file is new but the served certificate old, the service was not restarted.",
			"Check the client's clock.",
		},
		Fix: []string{
			"Renew: certform replaces certificates within renew_before on every apply, so run certform apply regularly (seed 002: renew when 30 days or fewer remain).",
			"Restart the service after renewal (on_change = [hook.NAME]); probe = true on the endpoint makes apply check that the new certificate is served.",
		},
		Checks: []string{"expiring-unrenewable", "renew-before-validity", "validity-schedule"},
		Source: "seed 002",
	},
	{
		ID:      "browser-validity-too-long",
		Name:    "NET::ERR_CERT_VALIDITY_TOO_LONG",
		Title:   "NET::ERR_CERT_VALIDITY_TOO_LONG: the certificate is valid for too long",
		Where:   "Chrome, Edge and Apple platforms (Safari, iOS apps)",
		Codes:   []string{"NET::ERR_CERT_VALIDITY_TOO_LONG"},
		Phrases: []string{"validity too long", "validity period is too long"},
		Cause: "Seed 004: certificates issued after 2020-09-01 may be valid for at most 398 days in browsers and on Apple and Google devices; " +
			"the CA/Browser Forum's ballot SC-081 lowers that to 200 days from 2026-03-15, 100 days from 2027-03-15 and 47 days from 2029-03-15. " +
			"Apple platforms refuse certificates from a company CA valid longer than 825 days.",
		Confirm: []string{"openssl x509 -in cert.pem -noout -dates, and count the days from notBefore to notAfter."},
		Fix:     []string{"Issue the certificate with a shorter validity (validity = \"397d\", or less per the schedule) and renew it automatically."},
		Checks:  []string{"validity-schedule"},
		Source:  "seed 004",
	},
}
