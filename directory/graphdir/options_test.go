package graphdir_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/google/go-cmp/cmp"
)

// The test server receives the bearer token the credential issued, for the
// scope of the configured cloud, on every request (its host is 127.0.0.1
// with a port: the token goes to the base URL's host, whatever it is).
func TestBearerTokenReachesServer(t *testing.T) {
	for _, tc := range []struct {
		cloud graphdir.Cloud
		scope string
	}{
		{"", "https://graph.microsoft.com/.default"},
		{graphdir.Global, "https://graph.microsoft.com/.default"},
		{graphdir.USGovL4, "https://graph.microsoft.us/.default"},
		{graphdir.USGovL5DoD, "https://dod-graph.microsoft.us/.default"},
		{graphdir.China, "https://microsoftgraph.chinacloudapi.cn/.default"},
	} {
		e := newEnv(t, nil, &graphdir.Options{Cloud: tc.cloud})
		ctx := context.Background()
		u, err := e.dir.CreateUser(ctx, newUser("svc@contoso.onmicrosoft.com"))
		if err != nil {
			t.Fatalf("cloud %q: %v", tc.cloud, err)
		}
		if _, err := e.dir.Snapshot(ctx, snapshotOf(u.ID)); err != nil {
			t.Fatal(err)
		}
		for _, r := range e.srv.Requests() {
			if got, want := r.Header.Get("Authorization"), "Bearer token-for "+tc.scope; got != want {
				t.Errorf("cloud %q: %s %s: Authorization %q, want %q", tc.cloud, r.Method, r.Path, got, want)
			}
		}
		for _, req := range e.cred.requests {
			if diff := cmp.Diff([]string{tc.scope}, req.Scopes); diff != "" {
				t.Errorf("cloud %q: token scopes (-want +got):\n%s", tc.cloud, diff)
			}
		}
	}
}

// A link to another origin gets no token: the request fails instead, with
// ErrInvalid (an unexpected answer, which no retry changes).
func TestNoTokenForAnotherOrigin(t *testing.T) {
	var strayAuth []string
	stray := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		strayAuth = append(strayAuth, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[]}`))
	}))
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[{"id":"a.example","isVerified":true}],"@odata.nextLink":"` + stray + `/v1.0/domains?$skiptoken=1"}`))
	}))
	dir, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: base + "/v1.0"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dir.Domains(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refusing to send a token") {
		t.Errorf("err = %v, want a refusal", err)
	}
	if !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("err = %v classified %v, want ErrInvalid", err, classOf(err))
	}
	if len(strayAuth) != 0 {
		t.Errorf("the other origin received %d requests (Authorization %q)", len(strayAuth), strayAuth)
	}
}

func TestCredentialFailure(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.cred.err = errors.New("AADSTS7000215: Invalid client secret provided")
	_, err := e.dir.User(context.Background(), "svc@contoso.onmicrosoft.com")
	if !errors.Is(err, directory.ErrPermission) || !strings.Contains(err.Error(), "AADSTS7000215") || !strings.Contains(err.Error(), "svc@contoso.onmicrosoft.com") {
		t.Errorf("err = %v, want ErrPermission with the credential's error and the user", err)
	}
	if n := e.roundTrips(); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts graphdir.Options
		want []string // substrings of the error
	}{
		{"http to a remote host", graphdir.Options{BaseURL: "http://graph.microsoft.com/v1.0"}, []string{"Options.BaseURL", `"http://graph.microsoft.com/v1.0"`, "https"}},
		{"other scheme", graphdir.Options{BaseURL: "ftp://127.0.0.1/v1.0"}, []string{"Options.BaseURL", "ftp://127.0.0.1/v1.0"}},
		{"no host", graphdir.Options{BaseURL: "https:///v1.0"}, []string{"Options.BaseURL", "no host"}},
		{"relative", graphdir.Options{BaseURL: "/v1.0"}, []string{"Options.BaseURL"}},
		{"query", graphdir.Options{BaseURL: "https://graph.microsoft.com/v1.0?x=1"}, []string{"Options.BaseURL", "query"}},
		{"user info", graphdir.Options{BaseURL: "https://u:p@graph.microsoft.com/v1.0"}, []string{"Options.BaseURL", "user"}},
		{"unparsable", graphdir.Options{BaseURL: "https://[::1/v1.0"}, []string{"Options.BaseURL"}},
		{"unknown cloud", graphdir.Options{Cloud: "Mars"}, []string{"Options.Cloud", `"Mars"`}},
		{"MaxRetries", graphdir.Options{MaxRetries: -2}, []string{"Options.MaxRetries", "-2"}},
		{"MaxRetryWait", graphdir.Options{MaxRetryWait: -time.Second}, []string{"Options.MaxRetryWait", "-1s"}},
		{"MaxResponseBytes", graphdir.Options{MaxResponseBytes: -1}, []string{"Options.MaxResponseBytes", "-1"}},
		{"HTTPClient.Timeout", graphdir.Options{HTTPClient: &http.Client{Timeout: -time.Second}}, []string{"Options.HTTPClient.Timeout"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			_, err := graphdir.New(&fakeCredential{}, &opts)
			if err == nil {
				t.Fatal("New succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := graphdir.New(nil, nil); err == nil || !strings.Contains(err.Error(), "credential") {
		t.Errorf("New(nil) = %v, want an error about the credential", err)
	}
}

func TestNewAcceptsLoopbackHTTP(t *testing.T) {
	for _, base := range []string{
		"http://127.0.0.1:8080/v1.0",
		"http://127.0.0.2/v1.0",
		"http://[::1]:8080/v1.0",
		"http://localhost:8080/v1.0/",
		"HTTP://LOCALHOST/v1.0",
		"https://graph.example.com/v1.0",
		"https://proxy.example.com/graph/v1.0",
	} {
		if _, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: base}); err != nil {
			t.Errorf("BaseURL %q: %v", base, err)
		}
	}
	if _, err := graphdir.New(&fakeCredential{}, nil); err != nil {
		t.Errorf("nil options: %v", err)
	}
}

// The token goes to a loopback address other than 127.0.0.1 too (which
// kiota-authentication-azure-go's provider would refuse over http).
func TestLoopbackOtherThan127001(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 here: %v", err)
	}
	var auth string
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[{"id":"contoso.com","isVerified":true}]}`))
	}))
	s.Listener.Close()
	s.Listener = l
	s.Start()
	defer s.Close()
	dir, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: s.URL + "/v1.0"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dir.Domains(context.Background())
	if err != nil || len(ds) != 1 {
		t.Fatalf("Domains via %s = %v, %v", s.URL, ds, err)
	}
	if auth != "Bearer token-for https://graph.microsoft.com/.default" {
		t.Errorf("Authorization %q", auth)
	}
}

func TestClouds(t *testing.T) {
	for _, tc := range []struct {
		cloud graphdir.Cloud
		host  string
		azure cloud.Configuration
	}{
		{"", "graph.microsoft.com", cloud.AzurePublic},
		{graphdir.Global, "graph.microsoft.com", cloud.AzurePublic},
		{graphdir.USGovL4, "graph.microsoft.us", cloud.AzureGovernment},
		{graphdir.USGovL5DoD, "dod-graph.microsoft.us", cloud.AzureGovernment},
		{graphdir.China, "microsoftgraph.chinacloudapi.cn", cloud.AzureChina},
	} {
		if got := tc.cloud.Host(); got != tc.host {
			t.Errorf("%q.Host() = %q, want %q", tc.cloud, got, tc.host)
		}
		if got, want := tc.cloud.Scope(), "https://"+tc.host+"/.default"; got != want {
			t.Errorf("%q.Scope() = %q, want %q", tc.cloud, got, want)
		}
		if got := tc.cloud.AzureCloud().ActiveDirectoryAuthorityHost; got != tc.azure.ActiveDirectoryAuthorityHost {
			t.Errorf("%q.AzureCloud() authority %q, want %q", tc.cloud, got, tc.azure.ActiveDirectoryAuthorityHost)
		}
		for _, s := range []string{string(tc.cloud), strings.ToLower(string(tc.cloud)), tc.host} {
			got, err := graphdir.ParseCloud(s)
			if err != nil || got.Host() != tc.host {
				t.Errorf("ParseCloud(%q) = %q, %v", s, got, err)
			}
		}
	}
	if _, err := graphdir.ParseCloud("Mars"); err == nil {
		t.Error("ParseCloud(Mars) succeeded")
	}
}

// Options.HTTPClient's transport carries the requests.
func TestHTTPClientTransport(t *testing.T) {
	e := newEnv(t, nil, nil)
	var n int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n++
		return http.DefaultTransport.RoundTrip(r)
	})
	dir, err := graphdir.New(e.cred, &graphdir.Options{BaseURL: e.srv.URL, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dir.Domains(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d requests through the transport, want 1", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
