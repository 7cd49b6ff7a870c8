// Package plan compares the desired configuration (package lang) with the
// recorded state (package state) and the live objects the providers read,
// and decides, for every resource, what to do and why. The result is a
// [Plan], a plain value that prints nothing; renderers in plan/render turn
// it into text, JSON or markdown. The same package carries a plan out:
// [Engine.Apply] walks the dependency graph, calls the providers and saves
// the state after each resource.
package plan
