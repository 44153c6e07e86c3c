package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// Config is the server's configuration, read from the environment by
// LoadConfig. Secrets stay in the account's Env until a client is built from
// them; nothing here is ever printed.
type Config struct {
	// Addr is the listen address (TOUSU_ADDR, default ":8080").
	Addr string
	// ShutdownTimeout bounds the graceful shutdown (TOUSU_SHUTDOWN_TIMEOUT,
	// default 20s): callbacks in flight get this long to finish.
	ShutdownTimeout time.Duration
	// Accounts are the merchant accounts, in the order TOUSU_ACCOUNTS lists
	// them.
	Accounts []Account
}

// Account is one merchant account of one provider: the variables under its
// prefix, read lazily so that a missing one is reported with its full name.
type Account struct {
	Provider complaint.Provider
	// Name is the account's path segment: /callbacks/{provider}/{name}.
	Name string
	// prefix is TOUSU_<PROVIDER>_<NAME>_ (name upper-cased, '-' as '_').
	prefix string
	lookup func(string) (string, bool)
}

// Key is "provider/name", unique in a Config.
func (a Account) Key() string { return string(a.Provider) + "/" + a.Name }

// nameRE keeps account names safe as path segments and unambiguous as
// variable prefixes (no '_', so "shop-a" and "shop_a" cannot collide).
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// LoadConfig reads the configuration through lookup (os.LookupEnv in main).
// Every problem found is reported, joined; the errors name variables and
// never quote their values.
func LoadConfig(lookup func(string) (string, bool)) (*Config, error) {
	cfg := &Config{Addr: ":8080", ShutdownTimeout: 20 * time.Second}
	var errs []error
	if v, ok := lookup("TOUSU_ADDR"); ok && v != "" {
		cfg.Addr = v
	}
	if v, ok := lookup("TOUSU_SHUTDOWN_TIMEOUT"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, errors.New("TOUSU_SHUTDOWN_TIMEOUT: not a positive duration (e.g. 20s)"))
		}
		cfg.ShutdownTimeout = d
	}
	list, _ := lookup("TOUSU_ACCOUNTS")
	seen := map[string]bool{}
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		provider, name, ok := strings.Cut(item, "/")
		p := complaint.Provider(provider)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("TOUSU_ACCOUNTS: %q is not provider/account", item))
			continue
		case p != complaint.WeChatPay && p != complaint.Allinpay && p != complaint.PAYJS && p != complaint.Changxiang:
			errs = append(errs, fmt.Errorf("TOUSU_ACCOUNTS: unknown provider %q (wechatpay, allinpay, payjs, changxiang)", provider))
			continue
		case !nameRE.MatchString(name):
			errs = append(errs, fmt.Errorf("TOUSU_ACCOUNTS: account name %q: use 1-63 of a-z, 0-9 and '-'", name))
			continue
		case seen[item]:
			errs = append(errs, fmt.Errorf("TOUSU_ACCOUNTS: %q is listed twice", item))
			continue
		}
		seen[item] = true
		cfg.Accounts = append(cfg.Accounts, Account{
			Provider: p,
			Name:     name,
			prefix:   "TOUSU_" + strings.ToUpper(provider) + "_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_",
			lookup:   lookup,
		})
	}
	if len(cfg.Accounts) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("TOUSU_ACCOUNTS: no account configured (e.g. wechatpay/shop-a,payjs/main)"))
	}
	for _, a := range cfg.Accounts {
		for _, v := range required[a.Provider] {
			if _, err := a.get(v); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return cfg, errors.Join(errs...)
}

// required lists each provider's mandatory variables (suffixes after the
// account's prefix).
var required = map[complaint.Provider][]string{
	complaint.WeChatPay:  {"MCHID", "CERT_SERIAL", "PRIVATE_KEY_FILE", "APIV3_KEY", "PUBLIC_KEY_ID", "PUBLIC_KEY_FILE"},
	complaint.Allinpay:   {"APPID", "CUSID", "SIGN_TYPE", "PRIVATE_KEY_FILE"},
	complaint.PAYJS:      {"MCHID", "KEY"},
	complaint.Changxiang: {"SECRET"},
}

// get returns the non-empty value of the account's variable suffix, or an
// error naming the variable.
func (a Account) get(suffix string) (string, error) {
	v, ok := a.lookup(a.prefix + suffix)
	if !ok || strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("%s%s: not set", a.prefix, suffix)
	}
	return v, nil
}

// optional returns the variable's value, "" when unset.
func (a Account) optional(suffix string) string {
	v, _ := a.lookup(a.prefix + suffix)
	return strings.TrimSpace(v)
}

// file reads the file the variable names. The error names the variable and
// the path (a path is not a secret), never the file's content.
func (a Account) file(suffix string) ([]byte, error) {
	path, err := a.get(suffix)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s%s: %w", a.prefix, suffix, err)
	}
	return b, nil
}

// optionalFile reads the file the variable names, nil when it is unset.
func (a Account) optionalFile(suffix string) ([]byte, error) {
	if a.optional(suffix) == "" {
		return nil, nil
	}
	return a.file(suffix)
}

// wrap names the account's variable prefix in an error from building its
// client. Provider packages never quote key material in their errors.
func (a Account) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("account %s (%s*): %w", a.Key(), a.prefix, err)
}
