// Package render turns a plan.Plan into what people and programs read: a
// colored text view for the terminal (Text), a stable JSON document for
// scripts (JSON), and unified diffs of the files a plan edits. Renderers
// only read the Plan; they never decide anything.
package render
