package bandit_test

import (
	"fmt"

	"github.com/afsel/afsel/bandit"
)

func ExamplePyRand() {
	// The same values as Python's r = random.Random("test"); r.random(), ...
	r := bandit.NewPyRandString("test")
	fmt.Println(r.Float64())
	fmt.Println(r.Float64())
	fmt.Println(bandit.NewPyRandInt(12345).Float64())
	// Output:
	// 0.6555960613392863
	// 0.7346312914910028
	// 0.41661987254534116
}

func ExamplePyRand_Fill() {
	// Fill draws a whole run's stream at once, as successive random() calls.
	r := bandit.NewPyRandString("test")
	u := make([]float64, 3)
	r.Fill(u)
	fmt.Println(u)
	// Output:
	// [0.6555960613392863 0.7346312914910028 0.25037423249421464]
}

func ExampleExp3() {
	// The first rounds of the first table in vectors.md: arm 0 earns 1,
	// arm 1 earns 0.
	r := bandit.NewPyRandString("test")
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
