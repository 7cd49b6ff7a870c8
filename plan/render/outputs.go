package render

import (
	"sort"

	"github.com/certform/certform/plan"
)

func sortedOutputNames(p *plan.Plan) []string {
	names := make([]string, 0, len(p.Outputs))
	for n := range p.Outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
