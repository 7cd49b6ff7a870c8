package component

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// target is where the URL goes.
type target struct {
	file, section, key string
}

// same reports whether two targets name the same key of the same file;
// INI sections and keys ignore case.
func (t target) same(o target) bool {
	return t.file == o.file && strings.EqualFold(t.section, o.section) && strings.EqualFold(t.key, o.key)
}

func (t target) String() string {
	return fmt.Sprintf("%s [%s] %s", t.file, t.section, t.key)
}

// config is a decoded component block.
type config struct {
	target
	known bool      // file, section and key are known
	url   cty.Value // known string or unknown
}

// state is the value of a component resource:
//
//	{
//	  url:             string (null in Read when the key is missing),
//	  file:            string,
//	  section:         string,
//	  key:             string,
//	  original:        string or null,
//	  created_section: bool,
//	}
//
// original is the key's value before certform first set it, null when the
// key did not exist; created_section is true when certform added the
// section too. Delete restores the key, and removes the section again
// when certform created it and it is empty.
type state struct {
	target
	url            cty.Value
	original       cty.Value
	createdSection bool
	// originalFromBackup marks an original read from the file's backup,
	// because the state left it out as sensitive (see fillOriginal).
	originalFromBackup bool
}

func (s *state) value() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"url":             s.url,
		"file":            cty.StringVal(s.file),
		"section":         cty.StringVal(s.section),
		"key":             cty.StringVal(s.key),
		"original":        s.original,
		"created_section": cty.BoolVal(s.createdSection),
	})
}

// originalPtr returns the original value, nil when the key did not exist.
func (s *state) originalPtr() *string {
	if !providers.Exists(s.original) || s.original.Type() != cty.String {
		return nil
	}
	v := s.original.AsString()
	return &v
}

func decodeState(v cty.Value) (*state, error) {
	if !providers.Exists(v) || !v.Type().IsObjectType() {
		return nil, errors.New("the recorded value is not a component object")
	}
	s := &state{
		target: target{
			file:    providers.String(v, "file"),
			section: providers.String(v, "section"),
			key:     providers.String(v, "key"),
		},
		url:            stringOrNull(providers.Attr(v, "url")),
		original:       stringOrNull(providers.Attr(v, "original")),
		createdSection: providers.Bool(v, "created_section"),
	}
	if s.file == "" || s.key == "" {
		return nil, errors.New("the recorded value has no url_in file or key")
	}
	return s, nil
}

func stringOrNull(v cty.Value) cty.Value {
	if !providers.Exists(v) || v.Type() != cty.String {
		return cty.NullVal(cty.String)
	}
	return v
}

// decodeConfig reads a decoded block, with the URL taken from url or else
// from the endpoint.
func decodeConfig(v cty.Value) (*config, error) {
	if !providers.Exists(v) || !v.Type().IsObjectType() {
		return nil, errors.New("the configuration is not a component object")
	}
	v, _ = v.UnmarkDeep()
	c := &config{url: cty.UnknownVal(cty.String)}
	in := providers.Attr(v, "url_in")
	if !in.IsWhollyKnown() {
		return c, nil
	}
	c.known = true
	c.target = target{file: providers.String(in, "file"), section: providers.String(in, "section"), key: providers.String(in, "key")}
	if c.file == "" || c.key == "" {
		return nil, errors.New("url_in needs a file and a key")
	}
	url := providers.Attr(v, "url")
	if url.IsNull() {
		ep := providers.Attr(v, "endpoint")
		if !ep.IsKnown() {
			return c, nil
		}
		if !providers.Exists(ep) || !(ep.Type().IsObjectType() || ep.Type().IsMapType()) {
			return nil, errors.New("endpoint must be an endpoint resource, an object with a url")
		}
		url = providers.Attr(ep, "url")
		if url.IsNull() {
			return nil, errors.New("endpoint has no url; set url in the component block")
		}
	}
	switch {
	case !url.IsKnown():
	case url.Type() != cty.String:
		return nil, fmt.Errorf("url must be a string, not %s", url.Type().FriendlyName())
	case url.AsString() == "":
		return nil, errors.New("url is empty")
	default:
		c.url = url
	}
	return c, nil
}
