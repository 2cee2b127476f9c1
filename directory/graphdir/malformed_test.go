package graphdir_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
)

// Malformed answers with a success status give a clear, classified error:
// never a panic, never a silent empty list.
func TestMalformedAnswers(t *testing.T) {
	const id = "11111111-0000-4000-8000-000000000001"
	calls := map[string]func(d *graphdir.Directory) error{
		"Domains": func(d *graphdir.Directory) error { _, err := d.Domains(context.Background()); return err },
		"RoleAssignments": func(d *graphdir.Directory) error {
			_, err := d.RoleAssignments(context.Background(), id)
			return err
		},
		"AuthenticationMethods": func(d *graphdir.Directory) error {
			_, err := d.AuthenticationMethods(context.Background(), id)
			return err
		},
		"User": func(d *graphdir.Directory) error { _, err := d.User(context.Background(), id); return err },
		"Snapshot": func(d *graphdir.Directory) error {
			s, err := d.Snapshot(context.Background(), directory.SnapshotRequest{User: id, RoleAssignments: true, AuthenticationMethods: true, Domains: true})
			if err != nil {
				return err
			}
			return errors.Join(s.UserErr, s.RoleAssignmentsErr, s.AuthenticationMethodsErr, s.DomainsErr)
		},
		// The sign-in policies, decoded with encoding/json: each part on its own.
		"SignInPolicies.SecurityDefaults": func(d *graphdir.Directory) error {
			p, err := d.SignInPolicies(context.Background())
			return errors.Join(err, p.SecurityDefaultsErr)
		},
		"SignInPolicies.ConditionalAccess": func(d *graphdir.Directory) error {
			p, err := d.SignInPolicies(context.Background())
			return errors.Join(err, p.ConditionalAccessErr)
		},
		"SignInPolicies.AuthenticationStrengths": func(d *graphdir.Directory) error {
			p, err := d.SignInPolicies(context.Background())
			return errors.Join(err, p.AuthenticationStrengthsErr)
		},
	}
	for _, body := range []string{
		`{}`,
		`{"value":null}`,
		`{"value":"not a list"}`,
		`{"value":[{"id":5}]}`,
		`{"id":5,"accountEnabled":"yes"}`,
		`{"value":[`,
		`not json at all`,
		``,
		`[]`,
	} {
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if strings.HasSuffix(r.URL.Path, "/$batch") {
				// Every item answers 200 with the malformed body.
				_, _ = w.Write([]byte(`{"responses":[` +
					`{"id":"1","status":200,"headers":{"Content-Type":"application/json"},"body":` + jsonOrString(body) + `},` +
					`{"id":"2","status":200,"headers":{"Content-Type":"application/json"},"body":` + jsonOrString(body) + `},` +
					`{"id":"3","status":200,"headers":{"Content-Type":"application/json"},"body":` + jsonOrString(body) + `},` +
					`{"id":"4","status":200,"headers":{"Content-Type":"application/json"},"body":` + jsonOrString(body) + `}]}`))
				return
			}
			_, _ = w.Write([]byte(body))
		}))
		d, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: srv + "/v1.0", MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		for name, call := range calls {
			err := call(d)
			if err == nil {
				t.Errorf("%s with answer %q: no error (a silent empty or zero result)", name, body)
				continue
			}
			if classOf(err) == nil {
				t.Errorf("%s with answer %q: unclassified error %v", name, body, err)
			}
		}
	}
}

func jsonOrString(body string) string {
	if body == "" {
		return `null`
	}
	if strings.HasPrefix(body, "{") && strings.HasSuffix(body, "}") || body == "[]" {
		return body
	}
	return `"` + strings.ReplaceAll(body, `"`, `\"`) + `"`
}
