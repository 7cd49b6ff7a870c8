package plan

// Action is what a plan does to one resource.
type Action int

// The actions, in the order a summary lists them.
const (
	NoOp Action = iota
	Create
	Update
	Replace
	Delete
)

func (a Action) String() string {
	switch a {
	case NoOp:
		return "no-op"
	case Create:
		return "create"
	case Update:
		return "update"
	case Replace:
		return "replace"
	case Delete:
		return "delete"
	}
	return "unknown"
}
