package gitlab

import (
	"cmp"
	"maps"
	"slices"

	"github.com/dorareport/dorareport/dora"
)

// orderings hold the successful production deployments of each environment, by finish time:
// each one's range runs from the one before it.
type orderings map[string][]dora.Deployment

func byFinish(a, b dora.Deployment) int {
	return cmp.Or(a.FinishedAt.Compare(b.FinishedAt), cmp.Compare(a.ID, b.ID))
}

// clone copies o, so that a plan can be tried on the copy.
func (o orderings) clone() orderings {
	c := maps.Clone(o)
	for env, ds := range c {
		c[env] = slices.Clone(ds)
	}
	return c
}

// remember puts d (again) into the ordering of its environment.
func (o orderings) remember(d dora.Deployment) {
	o.forget(d)
	ds := o[d.Environment]
	i, _ := slices.BinarySearchFunc(ds, d, byFinish)
	o[d.Environment] = slices.Insert(ds, i, d)
}

func (o orderings) forget(d dora.Deployment) {
	o[d.Environment] = slices.DeleteFunc(o[d.Environment], func(x dora.Deployment) bool { return x.ID == d.ID })
}

func (o orderings) find(id string) (dora.Deployment, bool) {
	for _, ds := range o {
		for _, d := range ds {
			if d.ID == id {
				return d, true
			}
		}
	}
	return dora.Deployment{}, false
}

// previous and successor are d's neighbours in the ordering of its environment.
func (o orderings) previous(d dora.Deployment) (dora.Deployment, bool) {
	ds := o[d.Environment]
	i, _ := slices.BinarySearchFunc(ds, d, byFinish)
	if i > 0 {
		return ds[i-1], true
	}
	return dora.Deployment{}, false
}

func (o orderings) successor(d dora.Deployment) (dora.Deployment, bool) {
	ds := o[d.Environment]
	i, found := slices.BinarySearchFunc(ds, d, byFinish)
	if found {
		i++
	}
	if i < len(ds) {
		return ds[i], true
	}
	return dora.Deployment{}, false
}
