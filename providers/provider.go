package providers

import (
	"context"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers/pemcert"
)

// A Provider manages one kind of object, such as a PEM file set or an INI
// file. Implementations must be safe for concurrent use: the plan engine reads
// and applies independent resources in parallel.
//
// Values passed in and out are cty objects. Config is the decoded block
// (see Schema) with references resolved; it may hold unknown values during
// Plan. Prior is the value recorded in state, Live the value Read returned;
// either is cty.NullVal(cty.DynamicPseudoType) when there is no such object.
// Values coming back from state are decoded from plain JSON, so lists may
// arrive as tuples and maps as objects: use the helpers in this package to
// read them.
type Provider interface {
	// Schema describes the block body this kind accepts. Meta-arguments
	// (on_change, depends_on) are handled by lang and never reach the
	// provider.
	Schema() hcldec.Spec
	// Read returns the live object, or a null value if it does not exist.
	// It must not change anything. The engine reads only objects it
	// manages: a null Prior gets a null Live.
	Read(ctx context.Context, req ReadRequest) ReadResponse
	// Plan proposes the new value and says whether, and why, the object
	// must be replaced. Planned must equal Live (see [Equal]) exactly when
	// nothing needs to change.
	Plan(ctx context.Context, req PlanRequest) PlanResponse
	// Apply makes the change and returns the value to record in state.
	// A null Planned value means delete; New is then null.
	Apply(ctx context.Context, req ApplyRequest) ApplyResponse
}

// Env is what a provider may use besides its request values. One Env is
// shared by every request of a run.
type Env struct {
	// FS reaches the files of the target host. Relative names are relative
	// to the configuration directory.
	FS FS
	// Secrets holds private keys, by id, outside the state file.
	Secrets Secrets
	// Now is the time the run treats as the present. It is fixed for a run
	// so that plan and apply agree on expiry decisions.
	Now time.Time
	// Progress, when set, is told what a long-running Apply is doing, such
	// as an ACME order waiting for validation, so a terminal can show it.
	// It may be called from several goroutines at once; nil means nobody
	// listens. Providers call it through [Env.Report].
	Progress func(address, message string)
	// Certs holds the certificates parsed from PEM text during the run,
	// so that a text is parsed once however many resources, and the
	// checks after them, read it. Providers parse through it (its methods
	// work on nil, which parses every time) and must not change what it
	// returns. Whoever builds the Env for a run gives it a new Cache; nil
	// is allowed, and only slower.
	Certs *pemcert.Cache
}

// ReadRequest asks for the live object behind a resource.
type ReadRequest struct {
	Address string
	// Config is the block, decoded with the recorded values of what it
	// refers to; null when the block left the configuration, and for a
	// PriorReader.
	Config cty.Value
	Prior  cty.Value
	Env    *Env
}

// A PriorReader reads the live object from Prior and Env alone, never from
// Config. The plan engine then decodes the block once, for Plan, instead of
// once for Read and again for Plan.
type PriorReader interface {
	ReadsPriorOnly()
}

// A Deterministic provider plans from its inputs alone: planning a resource
// again with the configuration it was last applied with, against a live
// object its Read found as recorded (ReadResponse.AsRecorded), proposes no
// change and gives the same diagnostics, whatever the time. Its Validate
// and Plan do not look at the clock or the network, and look at files only
// as far as Read compares them. The plan engine then skips decoding and
// planning such a resource when its configuration is the one of its last
// apply, and that apply gave no diagnostic (state.Resource.ConfigDigest),
// which matters for large configurations.
type Deterministic interface {
	PlansDeterministically()
}

// A DeterministicUntil provider is Deterministic for a resource until the
// time it names for the recorded value, and not at all for a zero time: a
// certificate its provider issued plans alike until it enters its renewal
// window.
type DeterministicUntil interface {
	DeterministicUntil(prior cty.Value) time.Time
}

// PlansAlike reports whether prov is Deterministic for a resource with the
// recorded value prior at the time now.
func PlansAlike(prov Provider, prior cty.Value, now time.Time) bool {
	switch p := prov.(type) {
	case Deterministic:
		return true
	case DeterministicUntil:
		return now.Before(p.DeterministicUntil(prior))
	}
	return false
}

// ReadResponse carries the live object, or a null value when it is gone.
type ReadResponse struct {
	Live cty.Value
	// AsRecorded says that the object is as Prior records it, and Live
	// is Prior. The plan engine then need not compare the two, which
	// matters for large configurations, where most objects are unchanged.
	AsRecorded  bool
	Diagnostics hcl.Diagnostics
}

// PlanRequest asks for the value a resource should have after apply.
type PlanRequest struct {
	Address string
	Config  cty.Value
	Prior   cty.Value
	Live    cty.Value
	Env     *Env
}

// PlanResponse proposes the new value. Values the provider cannot know
// before apply (a new certificate's serial) are cty unknowns.
type PlanResponse struct {
	Planned cty.Value
	// RequiresReplace is set when the object cannot be changed in place;
	// Reasons then says why, in words a reviewer understands
	// ("expires in 12 days, renew_before is 30d", "dns_names changed").
	RequiresReplace bool
	// Reasons explains any change, replace or not.
	Reasons []string
	// Files lists every file the change will write or remove, with its
	// content before and after, for the plan's diffs.
	Files []FileChange
	// NoChange says that nothing changes: Planned is Live, and there are
	// no Reasons and no Files. A provider that knows it cheaply says so,
	// and the plan engine need not compare the two values.
	NoChange    bool
	Diagnostics hcl.Diagnostics
}

// ApplyRequest asks the provider to make the planned change.
type ApplyRequest struct {
	Address string
	// Config is the block re-evaluated at apply time: every value is known.
	Config  cty.Value
	Prior   cty.Value
	Planned cty.Value
	Env     *Env
}

// ApplyResponse carries the value to record in state. On error New should
// still describe what exists now (Prior if nothing changed), so state stays
// true to disk.
type ApplyResponse struct {
	New         cty.Value
	Diagnostics hcl.Diagnostics
}

// FileChange describes one file a plan will create, change or remove.
type FileChange struct {
	Path string
	// Before is the current content, nil when the file does not exist.
	Before []byte
	// After is the planned content, nil when the file will be removed.
	After []byte
	// AfterUnknown is set when the content depends on values known only
	// after apply, such as a certificate not yet issued.
	AfterUnknown bool
	// Sensitive files (private keys) are never shown, only named.
	Sensitive bool
}

// Validator is implemented by providers that can check a configuration
// before any live object is read, for `certform validate`. Config may hold
// unknown values, which Validate must accept.
type Validator interface {
	Validate(address string, config cty.Value) hcl.Diagnostics
}

// CreateBeforeDestroy is implemented by providers that replace an object by
// making the new one before they remove the old, as Terraform's
// create_before_destroy: a certificate's new key and certificate exist
// before the old key is deleted, so nothing is ever without one. Plans draw
// such a replace as +/-; the replace of any other provider removes the old
// object first (an INI key moved to another file is taken out of the old
// one, then written) and is drawn as -/+.
type CreateBeforeDestroy interface {
	// CreateBeforeDestroy reports whether a replace makes the new object
	// first.
	CreateBeforeDestroy() bool
}

// SecretFreeReasons is implemented by providers whose plan reasons never
// quote a sensitive argument, nor anything read from where one is kept:
// they name paths, aliases, fingerprints and settings such as an
// encryption scheme. The engine hides every reason of a block with a
// sensitive argument, since a reason might quote it; for these providers
// it hides only a reason that holds a secret's value, so that a keystore's
// password does not hide which alias or certificate changed.
type SecretFreeReasons interface {
	// SecretFreeReasons marks the provider; it does nothing.
	SecretFreeReasons()
}

// BodyDecoder is implemented by providers whose blocks cannot be described by
// an hcldec.Spec, such as ini_file with its free-form section blocks. lang
// calls it instead of hcldec.Decode.
type BodyDecoder interface {
	// DecodeBody decodes the block body with the given evaluation context.
	DecodeBody(body hcl.Body, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics)
	// Variables lists the references the body makes, for the dependency
	// graph.
	Variables(body hcl.Body) []hcl.Traversal
}

// Runner is implemented by kinds that are actions rather than objects, such
// as hooks: they keep no state of their own and run when something they
// watch changes, or again after they failed (the engine records that).
type Runner interface {
	Schema() hcldec.Spec
	// Run carries out the action. Output is what the action printed,
	// shown to the user whether it failed or not.
	Run(ctx context.Context, req RunRequest) RunResponse
}

// RunRequest asks a Runner to act.
type RunRequest struct {
	Address string
	Config  cty.Value
	// Dir is the configuration directory, the default working directory.
	Dir string
}

// RunResponse reports what a Runner did.
type RunResponse struct {
	Output []byte
	// Failure says in a few words why the run failed, such as "failed
	// with exit code 7" or "timed out after 5m"; "" when it succeeded.
	// The engine records it in the state so that the next plan runs the
	// action again and says why.
	Failure string
	// ExitCode is the exit status of a command that ran to its end and
	// failed; 0 otherwise.
	ExitCode    int
	Diagnostics hcl.Diagnostics
}
