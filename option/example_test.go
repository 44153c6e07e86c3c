package option_test

import (
	"fmt"
	"time"

	"github.com/tousu-go/tousu/option"
)

// How a provider package builds its client from shared and own options.
func Example() {
	type settings struct{ sandbox bool } // the provider's own
	withSandbox := func() option.Option {
		return option.For("acme", func(s *settings) error { s.sandbox = true; return nil })
	}

	var own settings
	s, err := option.Apply("acme", &own, option.WithTimeout(5*time.Second), withSandbox())
	fmt.Println(s.Timeout, own.sandbox, err)

	_, err = option.Apply("other", &struct{}{}, withSandbox())
	fmt.Println(err)
	// Output:
	// 5s true <nil>
	// option: an option of "acme" was given to the "other" client
}
