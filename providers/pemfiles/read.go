package pemfiles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
)

// ReadsPriorOnly implements providers.PriorReader: Read looks at Prior only.
func (p *Provider) ReadsPriorOnly() {}

// PlansDeterministically implements providers.Deterministic: with every
// file as recorded, the configuration of the last apply (the certificate,
// the chains, the paths and modes) changes nothing.
func (p *Provider) PlansDeterministically() {}

// Read implements providers.Provider. It hashes every file the store
// wrote and looks up its mode; a missing file has a null hash. When every
// file is gone the store is gone, and Live is null.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	var diags hcl.Diagnostics
	recorded := entries(providers.Attr(req.Prior, "modes"))
	files := entries(providers.Attr(req.Prior, "files"))
	hashes := map[string]cty.Value{}
	modes := map[string]cty.Value{}
	found, same := false, true
	for _, path := range sortedKeys(files) {
		st, err := inspect(req.Env.FS, path, stringOf(recorded[path]))
		if err != nil {
			diags = append(diags, errorf(req.Address, "Cannot read file", fmt.Sprintf("%s.", err)))
		}
		hashes[path], modes[path] = st.hash, st.mode
		found = found || !st.hash.IsNull()
		same = same && providers.Equal(st.hash, files[path]) && providers.Equal(st.mode, recorded[path])
	}
	switch {
	case !found && !diags.HasErrors():
		return providers.ReadResponse{Live: providers.Null}
	case same:
		// Every file as recorded: the recorded value is the live one.
		return providers.ReadResponse{Live: req.Prior, AsRecorded: true, Diagnostics: diags}
	}
	live := req.Prior.AsValueMap()
	live["files"] = stringMap(hashes)
	live["modes"] = stringMap(modes)
	return providers.ReadResponse{Live: cty.ObjectVal(live), Diagnostics: diags}
}

// fileState is a file's hash and mode as they are on disk; both null when
// the file is missing.
type fileState struct {
	hash    cty.Value
	mode    cty.Value
	content []byte
}

// inspect hashes a file and reads its mode. Where the platform has no Unix
// permissions (Windows), the recorded mode is reported.
func inspect(fsys providers.FS, path, recordedMode string) (fileState, error) {
	missing := fileState{hash: cty.NullVal(cty.String), mode: cty.NullVal(cty.String)}
	data, err := fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return missing, nil
	}
	if err != nil {
		return missing, err
	}
	st := fileState{hash: cty.StringVal(hash(data)), content: data, mode: cty.StringVal(recordedMode)}
	if runtime.GOOS == "windows" && recordedMode != "" {
		return st, nil
	}
	fi, err := fsys.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return missing, nil
	}
	if err != nil {
		return st, err
	}
	st.mode = cty.StringVal(storefile.FormatMode(fi.Mode()))
	return st, nil
}

// entries returns the elements of a map or object value (state gives maps
// back as objects) by key.
func entries(v cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	if !providers.Exists(v) || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return out
	}
	if v.Type().IsObjectType() {
		// By name: the element iterator of an object sorts the names
		// first, on every call.
		for name := range v.Type().AttributeTypes() {
			out[name] = v.GetAttr(name)
		}
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = e
	}
	return out
}

func sortedKeys(m map[string]cty.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stringOf returns a known string, "" otherwise.
func stringOf(v cty.Value) string {
	if !providers.Exists(v) || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}
