package pipeline_test

import (
	"reflect"
	"testing"

	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/pipeline"
)

// TestHoursStage: the hours are computed only when asked for, from the
// eligible pairs only, and do not depend on the number of workers.
func TestHoursStage(t *testing.T) {
	cfg := pipeline.Artefacts()
	off := run(t, cfg, pipeline.Stages{Tables: true})
	if off.Hours != nil {
		t.Error("hours without the stage")
	}
	on := run(t, cfg, pipeline.Stages{Tables: true, Hours: true})
	cfg.Workers = 1
	one := run(t, cfg, pipeline.Stages{Tables: true, Hours: true})
	if len(on.Hours) != len(hours.Zones)*hours.Hours {
		t.Fatalf("%d rows, want %d", len(on.Hours), len(hours.Zones)*hours.Hours)
	}
	same := func(a, b float64) bool { return a == b || (a != a && b != b) }
	for i, r := range on.Hours {
		o := one.Hours[i]
		if r.Zone != o.Zone || r.Hour != o.Hour || r.Pairs != o.Pairs || !same(r.Q1, o.Q1) || !same(r.Median, o.Median) || !same(r.Q3, o.Q3) {
			t.Errorf("row %d: %+v with the default workers, %+v with one", i, r, o)
		}
	}
	if !reflect.DeepEqual(whole(t, on), whole(t, off)) || on.Table1 != off.Table1 {
		t.Error("the tables differ with the hours")
	}
	for _, r := range on.Hours {
		if r.Pairs > on.Eligible() {
			t.Errorf("zone %v hour %d: %d pairs, more than the %d eligible", r.Zone, r.Hour, r.Pairs, on.Eligible())
		}
	}
	if err := cfg.Validate(pipeline.Stages{Replay: true, Hours: true}); err == nil {
		t.Error("the hours without the tables validate")
	}
}
