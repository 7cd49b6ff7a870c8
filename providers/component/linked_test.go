package component_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/providertest"
)

// TestSensitiveURL: a sensitive URL hides the URL it replaced too
// (Linked), and with both left out of the state, as the engine records
// them, the original comes back from the file's backup: a removal plan
// shows the file restored with its diff hidden, and delete restores it
// byte for byte.
func TestSensitiveURL(t *testing.T) {
	p := component.New()
	if got := p.Linked(cty.GetAttrPath("url")); len(got) != 1 || !got[0].Equals(cty.GetAttrPath("original")) {
		t.Errorf("Linked(url) = %#v, want [original]", got)
	}
	if got := p.Linked(cty.GetAttrPath("file")); len(got) != 0 {
		t.Errorf("Linked(file) = %#v, want none", got)
	}

	const before = "[IES System Local]\r\nUrl = iwfms://svc:Old-Secret-42@ies.example.test:45054\r\n"
	secret := cty.StringVal("iwfms://svc:New-Secret-77@ies.example.test:45054")
	env, dir := providertest.NewEnv(t)
	providertest.WriteFile(t, dir, "jobprocessor/isps.cfg", before)
	cfg := providertest.Decode(t, p, componentHCL, vars(secret))
	applied := applyConfig(t, p, env, cfg, providers.Null)
	if got := providers.String(applied, "original"); !strings.Contains(got, "Old-Secret-42") {
		t.Fatalf("original = %q, want the URL from before", got)
	}
	// What the state holds: the sensitive URL and its original as null.
	m := applied.AsValueMap()
	m["url"], m["original"] = cty.NullVal(cty.String), cty.NullVal(cty.String)
	recorded := cty.ObjectVal(m)

	// Planned again, nothing changes and the original stays out.
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: recorded, Live: recorded, Env: freshEnv(env, dir)})
	mustOK(t, pl.Diagnostics)
	if o := providers.Attr(pl.Planned, "original"); !o.IsNull() {
		t.Errorf("planned original = %#v, want null: a value from the backup goes back into the state", o)
	}

	rm := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: providers.Null, Prior: recorded, Live: recorded, Env: freshEnv(env, dir)})
	mustOK(t, rm.Diagnostics)
	if len(rm.Files) != 1 || !rm.Files[0].Sensitive || string(rm.Files[0].After) != before {
		t.Fatalf("removal files = %+v, want the file restored, its diff hidden", rm.Files)
	}
	del := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: recorded, Planned: providers.Null, Env: freshEnv(env, dir)})
	mustOK(t, del.Diagnostics)
	if got := string(readFile(t, dir, "jobprocessor/isps.cfg")); got != before {
		t.Errorf("after delete\n got: %q\nwant: %q", got, before)
	}
}
