// Package pemfiles implements `store "pem_files" NAME` blocks: PEM files on
// disk for servers that read their certificate, key and CA bundle from
// files (nginx, Apache, Java-less services, the JobProcessor's ca.pem).
//
// A store writes either a certificate (certificate = certificate.NAME) to
// any of the paths cert (the certificate), key (its private key, fetched
// from providers.Secrets by key_id), chain (the issuer chain) and
// fullchain (certificate then chain), or trust chains
// (trust = [trust_chain.NAME]) to bundle, a CA bundle holding every
// certificate of the chains once. Or both. Files get file_mode (default
// 0644), the key key_mode (default 0600).
//
// The value records the paths, the modes, the certificate's fingerprint
// and key_id, and for every file the SHA-256 of its content ("files") and
// its mode ("modes"), never the content: a key file's hash is all the
// state learns of the key. Read hashes the files on disk, so a file that
// was edited, removed or chmod-ed outside certform shows as drift, and Plan
// lists every file it will write with its content before and after (the key
// file marked sensitive). Delete removes the files the store wrote.
package pemfiles
