package allinpay

import "fmt"

// Environment is an Allinpay 收银宝 access point. The two differ in host, path
// and in the public keys Allinpay signs with, so a client built for one
// verifies nothing from the other.
type Environment string

// Environments.
const (
	// Production is https://cus.allinpay.com/cusapi/riskfeeback/.
	Production Environment = "production"
	// Test is Allinpay's test system,
	// https://syb-test.allinpay.com/vsppcusapi/riskfeeback/.
	Test Environment = "test"
)

// BaseURL returns the environment's riskfeeback base URL; method names are
// appended to it.
func (e Environment) BaseURL() string {
	if e == Test {
		return "https://syb-test.allinpay.com/vsppcusapi/riskfeeback/"
	}
	return "https://cus.allinpay.com/cusapi/riskfeeback/"
}

// valid reports whether e is one of the named environments.
func (e Environment) valid() bool { return e == Production || e == Test }

// publicKey returns the public key Allinpay publishes for the environment and
// sign type, bare Base64 SubjectPublicKeyInfo as Allinpay hands it out. The
// keys come from Allinpay's 收银宝 demo (SybConstants) and agree with
// pyallinpay and gopay (see the provider fact sheet, §3.2 and §3.3).
func (e Environment) publicKey(st SignType) (string, error) {
	switch {
	case e == Production && st == SignRSA:
		return productionRSAPublicKey, nil
	case e == Production && st == SignSM2:
		return productionSM2PublicKey, nil
	case e == Test && st == SignRSA:
		return testRSAPublicKey, nil
	case e == Test && st == SignSM2:
		return testSM2PublicKey, nil
	}
	return "", fmt.Errorf("allinpay: no published key for environment %q and sign type %q", string(e), string(st))
}

// Allinpay's (通联, "TL") published public keys.
const (
	productionRSAPublicKey = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCm9OV6zH5DYH/ZnAVYHscEELdCNfNTHGuBv1nYYEY9FrOzE0/4kLl9f7Y9dkWHlc2ocDwbrFSm0Vqz0q2rJPxXUYBCQl5yW3jzuKSXif7q1yOwkFVtJXvuhf5WRy+1X5FOFoMvS7538No0RpnLzmNi3ktmiqmhpcY/1pmt20FHQQIDAQAB"
	testRSAPublicKey       = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDYXfu4b7xgDSmEGQpQ8Sn3RzFgl5CE4gL4TbYrND4FtCYOrvbgLijkdFgIrVVWi2hUW4K0PwBsmlYhXcbR+JSmqv9zviVXZiym0lK3glJGVCN86r9EPvNTusZZPm40TOEKMVENSYaUjCxZ7JzeZDfQ4WCeQQr2xirqn6LdJjpZ5wIDAQAB"
	productionSM2PublicKey = "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEBQicgWm0KAMqhO3bdqMUEDrKQvYg8cCXHhdGwq7CGE6oJDzJ1P/94HpuVdBf1KidmPxr7HOH+0DAnpeCcx9TcQ=="
	testSM2PublicKey       = "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE/BnA8BawehBtH0ksPyayo4pmzL/u1FQ2sZcqwOp6bjVqQX4tjo930QAvHZPJ2eez8sCz/RYghcqv4LvMq+kloQ=="
)
