package lang

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Address names a resource: "certificate.ies", "issuer.ca.company",
// "store.pem_files.ca", "hook.restart_ies".
type Address struct {
	// Kind is the block type, with its type label for blocks that have one:
	// "certificate", "issuer.ca", "store.pem_files".
	Kind string
	Name string
}

// String returns the address as users write it.
func (a Address) String() string { return a.Kind + "." + a.Name }

// typedBlocks are the block types whose first label is a type.
var typedBlocks = map[string]bool{"issuer": true, "store": true}

// ParseAddress reads an address as users write it on the command line.
func ParseAddress(s string) (Address, error) {
	parts := strings.Split(s, ".")
	switch {
	case len(parts) == 3 && typedBlocks[parts[0]]:
		return Address{Kind: parts[0] + "." + parts[1], Name: parts[2]}, nil
	case len(parts) == 2 && !typedBlocks[parts[0]] && parts[0] != "" && parts[1] != "":
		return Address{Kind: parts[0], Name: parts[1]}, nil
	}
	return Address{}, fmt.Errorf("invalid address %q: write KIND.NAME (certificate.ies) or KIND.TYPE.NAME (store.pem_files.ca)", s)
}

// refKinds are the root names of traversals that refer to resources.
var refKinds = map[string]bool{
	"certificate": true, "issuer": true, "trust_chain": true, "store": true,
	"endpoint": true, "ini_file": true, "component": true, "hook": true,
	"rotation": true,
}

// traversalAddress returns the resource a traversal refers to, if any.
func traversalAddress(t hcl.Traversal) (Address, bool) {
	root := t.RootName()
	if !refKinds[root] {
		return Address{}, false
	}
	var names []string
	for _, step := range t[1:] {
		attr, ok := step.(hcl.TraverseAttr)
		if !ok {
			break
		}
		names = append(names, attr.Name)
		if len(names) == 2 {
			break
		}
	}
	if typedBlocks[root] {
		if len(names) < 2 {
			return Address{}, false
		}
		return Address{Kind: root + "." + names[0], Name: names[1]}, true
	}
	if len(names) < 1 {
		return Address{}, false
	}
	return Address{Kind: root, Name: names[0]}, true
}
