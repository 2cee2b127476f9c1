package graphdir_test

import (
	"context"
	"testing"

	"github.com/cloudhub/consent/directory"
)

// BenchmarkSnapshot measures one Snapshot (one $batch round trip) by object
// ID, client and test server together.
func BenchmarkSnapshot(b *testing.B) {
	e := newEnv(b, nil, nil)
	ctx := context.Background()
	u, err := e.srv.Directory().CreateUser(ctx, newUser("svc@contoso.onmicrosoft.com"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.srv.Directory().CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}); err != nil {
		b.Fatal(err)
	}
	req := snapshotOf(u.ID)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.dir.Snapshot(ctx, req); err != nil {
			b.Fatal(err)
		}
		e.srv.Reset()
	}
}

// BenchmarkUser measures one User read through the SDK's request builders.
func BenchmarkUser(b *testing.B) {
	e := newEnv(b, nil, nil)
	ctx := context.Background()
	u, err := e.srv.Directory().CreateUser(ctx, newUser("svc@contoso.onmicrosoft.com"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.dir.User(ctx, u.ID); err != nil {
			b.Fatal(err)
		}
		e.srv.Reset()
	}
}
