package graphdir_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
)

// A continuous access evaluation challenge (401 with WWW-Authenticate
// error="insufficient_claims" and base64 claims, as Microsoft documents in
// "How to use Continuous Access Evaluation enabled APIs in your
// applications") is answered once: the credential is asked for a token with
// those claims and the request is sent again. A second challenge is not
// answered again: the 401 is the result.
func TestClaimsChallenge(t *testing.T) {
	const claims = `{"access_token":{"nbf":{"essential":true,"value":"1701234567"}}}`
	challenge := fmt.Sprintf(`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="%s"`,
		base64.StdEncoding.EncodeToString([]byte(claims)))
	user := `{"id":"11111111-1111-1111-1111-111111111111","userPrincipalName":"svc@contoso.com","accountEnabled":true,"userType":"Member"}`

	for _, tc := range []struct {
		name       string
		challenges int // how many 401s the server answers before the user
		wantErr    bool
		wantTokens int
	}{
		{"answered once", 1, false, 2},
		{"not twice", 2, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var auths []string
			left := tc.challenges
			url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				auths = append(auths, r.Header.Get("Authorization"))
				w.Header().Set("Content-Type", "application/json")
				if left > 0 {
					left--
					w.Header().Set("WWW-Authenticate", challenge)
					w.WriteHeader(http.StatusUnauthorized)
					fmt.Fprint(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp"}}`)
					return
				}
				fmt.Fprint(w, user)
			}))
			cred := &fakeCredential{}
			dir, err := graphdir.New(cred, &graphdir.Options{BaseURL: url, Sleep: (&sleeper{}).Sleep})
			if err != nil {
				t.Fatal(err)
			}
			u, err := dir.User(context.Background(), "svc@contoso.com")
			if tc.wantErr {
				if err == nil {
					t.Fatalf("User = %+v after two challenges, want the 401", u)
				}
				var gerr *graphdir.Error
				if !errors.As(err, &gerr) || gerr.StatusCode != http.StatusUnauthorized {
					t.Errorf("error %v: want a *graphdir.Error with status 401", err)
				}
				if errors.Is(err, directory.ErrNotFound) {
					t.Errorf("error %v classified as not found", err)
				}
			} else if err != nil || u.UserPrincipalName != "svc@contoso.com" {
				t.Fatalf("User = %+v, %v; want the user after one challenge", u, err)
			}
			cred.mu.Lock()
			defer cred.mu.Unlock()
			if len(cred.requests) != tc.wantTokens {
				t.Fatalf("credential asked %d times, want %d", len(cred.requests), tc.wantTokens)
			}
			if cred.requests[0].Claims != "" || cred.requests[1].Claims != claims {
				t.Errorf("token requests' claims = %q, %q; want none, then the challenge's claims decoded", cred.requests[0].Claims, cred.requests[1].Claims)
			}
			if !cred.requests[0].EnableCAE {
				t.Error("tokens are requested without EnableCAE: the service would never send a challenge")
			}
			if len(auths) != tc.challenges+map[bool]int{false: 1, true: 0}[tc.wantErr] {
				t.Errorf("server saw %d requests, want %d", len(auths), tc.challenges+1)
			}
		})
	}
}
