package graphdir_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

// pagedTenant is a server answering in pages of one, with three domains,
// and a user with three role assignments and three authentication methods.
func pagedTenant(t *testing.T, nextLinkBase string, cloud graphdir.Cloud) (env, directory.User) {
	t.Helper()
	fake := directorytest.New(&directorytest.Options{Domains: []directory.Domain{
		{ID: directorytest.DefaultDomain, IsVerified: true, IsDefault: true, IsInitial: true},
		{ID: "contoso.com", IsVerified: true},
		{ID: "fabrikam.com"},
	}})
	e := newEnv(t, &graphtest.Options{Fake: fake, PageSize: 1, NextLinkBase: nextLinkBase}, &graphdir.Options{Cloud: cloud})
	ctx := context.Background()
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	for _, role := range roleIDs(3) {
		if _, err := fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: role, DirectoryScopeID: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fake.RegisterMethod(ctx, u.ID, directory.MethodPhone, "+1 2065550100"); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.RegisterMethod(ctx, u.ID, directory.MethodFido2, "Red key"); err != nil {
		t.Fatal(err)
	}
	return e, u
}

// Behind a proxy (Options.BaseURL), Graph writes its own service root into
// @odata.nextLink; graphdir follows the link at the base URL, with the path
// and query Graph wrote.
func TestPagingBehindProxy(t *testing.T) {
	for _, tc := range []struct {
		cloud graphdir.Cloud
		root  string
	}{
		{"", "https://graph.microsoft.com/v1.0"},
		{graphdir.Global, "https://graph.microsoft.com/v1.0/"},
		{graphdir.USGovL4, "https://graph.microsoft.us/v1.0"},
		{graphdir.USGovL5DoD, "https://dod-graph.microsoft.us/v1.0"},
		{graphdir.China, "https://microsoftgraph.chinacloudapi.cn/v1.0"},
	} {
		t.Run(tc.root+" "+string(tc.cloud), func(t *testing.T) {
			ctx := context.Background()
			e, u := pagedTenant(t, tc.root, tc.cloud)
			fake := e.srv.Directory()
			wantDomains, _ := fake.Domains(ctx)
			wantAssignments, _ := fake.RoleAssignments(ctx, u.ID)
			wantMethods, _ := fake.AuthenticationMethods(ctx, u.ID)

			ds, err := e.dir.Domains(ctx)
			if err != nil {
				t.Fatalf("Domains: %v", err)
			}
			if diff := cmp.Diff(wantDomains, ds); diff != "" {
				t.Errorf("Domains mismatch (-want +got):\n%s", diff)
			}
			as, err := e.dir.RoleAssignments(ctx, u.ID)
			if err != nil {
				t.Fatalf("RoleAssignments: %v", err)
			}
			if diff := cmp.Diff(wantAssignments, as); diff != "" {
				t.Errorf("RoleAssignments mismatch (-want +got):\n%s", diff)
			}
			ms, err := e.dir.AuthenticationMethods(ctx, u.ID)
			if err != nil {
				t.Fatalf("AuthenticationMethods: %v", err)
			}
			if diff := cmp.Diff(wantMethods, ms); diff != "" {
				t.Errorf("AuthenticationMethods mismatch (-want +got):\n%s", diff)
			}
			snap, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
			if err != nil {
				t.Fatalf("Snapshot: %v", err)
			}
			checkSnapshot(t, e, snap, u)

			// Pages 2 and 3 of each list, read alone and after the
			// snapshot's $batch, reached the test server at the link's
			// path and query.
			got := map[graphtest.Endpoint]int{}
			for _, r := range e.srv.Requests() {
				q := r.Query()
				if q.Get("$skiptoken") == "" {
					continue
				}
				got[r.Endpoint]++
				if r.Endpoint == graphtest.ListRoleAssignments && q.Get("$filter") != "principalId eq '"+u.ID+"'" {
					t.Errorf("%s %s?%s: the link's $filter is lost", r.Method, r.Path, r.RawQuery)
				}
				if r.Endpoint == graphtest.ListAuthenticationMethods && r.Path != "/users/"+u.ID+"/authentication/methods" {
					t.Errorf("%s %s?%s: want the path of the link", r.Method, r.Path, r.RawQuery)
				}
			}
			want := map[graphtest.Endpoint]int{graphtest.ListDomains: 4, graphtest.ListRoleAssignments: 4, graphtest.ListAuthenticationMethods: 4}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("requests for pages after the first (-want +got):\n%s", diff)
			}
		})
	}
}

// A nextLink anywhere but the selected cloud's service root is not
// followed: no request goes out (and no token), and the list fails with
// ErrInvalid, an unexpected answer, not a temporary failure.
func TestPagingBehindProxyRefusesOtherLinks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cloud graphdir.Cloud
		root  string
	}{
		{"foreign host", graphdir.Global, "https://evil.example.com/v1.0"},
		{"look-alike host", graphdir.Global, "https://graph.microsoft.com.evil.example.com/v1.0"},
		{"another cloud", graphdir.Global, "https://graph.microsoft.us/v1.0"},
		{"the global host for another cloud", graphdir.USGovL4, "https://graph.microsoft.com/v1.0"},
		{"another version", graphdir.Global, "https://graph.microsoft.com/beta"},
		{"plain http", graphdir.Global, "http://graph.microsoft.com/v1.0"},
		{"another port", graphdir.Global, "https://graph.microsoft.com:8443/v1.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e, u := pagedTenant(t, tc.root, tc.cloud)
			calls := map[string]func() error{
				"Domains":               func() error { _, err := e.dir.Domains(ctx); return err },
				"RoleAssignments":       func() error { _, err := e.dir.RoleAssignments(ctx, u.ID); return err },
				"AuthenticationMethods": func() error { _, err := e.dir.AuthenticationMethods(ctx, u.ID); return err },
				"Snapshot": func() error {
					s, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
					if err != nil {
						return err
					}
					return errors.Join(s.RoleAssignmentsErr, s.AuthenticationMethodsErr, s.DomainsErr)
				},
			}
			for name, call := range calls {
				e.srv.Reset()
				err := call()
				if !errors.Is(err, directory.ErrInvalid) || errors.Is(err, directory.ErrUnavailable) {
					t.Errorf("%s: err = %v (%v), want ErrInvalid", name, err, classOf(err))
				}
				if err != nil && !strings.Contains(err.Error(), "refusing to send a token") {
					t.Errorf("%s: err = %v, want a refusal", name, err)
				}
				if n := e.roundTrips(); n != 1 {
					t.Errorf("%s: %d round trips, want 1 (the first page only)", name, n)
				}
			}
		})
	}
}
