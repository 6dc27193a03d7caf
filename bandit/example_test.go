package bandit_test

import (
	"fmt"

	"github.com/afsel/afsel/bandit"
	"github.com/afsel/afsel/internal/pyrand"
)

func ExampleExp3() {
	// The first rounds of the first table in vectors.md: arm 0 earns 1,
	// arm 1 earns 0.
	r := pyrand.NewString("test")
	e := bandit.NewExp3(bandit.Exp3Config{Gamma: 0.1})
	for range 5 {
		arm := e.Choose(r.Float64())
		reward := 0.0
		if arm == 0 {
			reward = 1
		}
		e.Update(arm, reward)
		w := e.Weights()
		fmt.Printf("arm %d weights %.6f %.6f\n", arm, w[0], w[1])
	}
	// Output:
	// arm 1 weights 50.000000 50.000000
	// arm 1 weights 50.000000 50.000000
	// arm 0 weights 52.497919 47.502081
	// arm 1 weights 52.497919 47.502081
	// arm 0 weights 54.876876 45.123124
}

func ExampleWeightedChoice() {
	// random.choices([0, 1, 2], weights=[1, 0, 3]) with random() = 0.3:
	// 0.3 * 4 = 1.2 is past the running sums 1 and 1, so arm 2.
	fmt.Println(bandit.WeightedChoice([]float64{1, 0, 3}, 0.3))
	// Output: 2
}
