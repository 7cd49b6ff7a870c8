// Package rotation stages the replacement of a certificate that many
// places must hold before it can be used: a `rotation` block names the
// outgoing and the incoming certificate (or CA issuer) and an ordered list
// of stages, each with what it changes and the gate that must hold before
// the next stage may begin (seed 001, IBI-helpMe; CA rollovers).
//
// The package has three parts, all used through package plan:
//
//   - spec.go parses a rotation block statically (Parse) and checks its
//     references against the configuration (Validate).
//   - Provider is the `rotation` kind: it records each rotation's stage,
//     gate confirmations and timestamps in the state, and gives the blocks
//     that refer to rotation.NAME the values of the current stage
//     (plan.Exporter): active, installed, reached.
//   - Provider.Prepare (plan.Rotator) runs after refresh: it checks the
//     gate of every rotation's current stage (stores read live, endpoints
//     probed, min_wait, manual confirmations), decides which stage this
//     plan enters (at most one), and holds back the blocks of later stages.
//
// The CLI edits the state for `certform rotation confirm` and `abandon`
// through Confirm and RequestAbandon; `rotation status` renders the
// plan.Rotation reports a plan carries.
package rotation
