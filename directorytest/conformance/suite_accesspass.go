package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testAccessPass runs the [directory.AccessPassIssuer] subtests when the
// backend implements it. Its tenant's Temporary Access Pass policy must be
// enabled for all users, allow reusable passes and a lifetime of 1 hour
// (the Fake's default policy).
func (s suite) testAccessPass(t *testing.T) {
	if _, ok := s.newDir(t).(directory.AccessPassIssuer); !ok {
		t.Skip("the backend does not implement directory.AccessPassIssuer")
	}
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, env, directory.AccessPassIssuer)
	}{
		{"Policy", s.testAccessPassPolicy},
		{"Lifecycle", s.testAccessPassLifecycle},
		{"ReplacesCurrentPass", s.testAccessPassReplaced},
		{"LifetimeOutsidePolicy", s.testAccessPassLifetime},
		{"UnknownUser", s.testAccessPassUnknownUser},
		{"GoesWithTheUser", s.testAccessPassDeletedWithUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := s.env(t)
			tc.fn(t, e, e.dir.(directory.AccessPassIssuer))
		})
	}
}

func (s suite) testAccessPassPolicy(t *testing.T, _ env, d directory.AccessPassIssuer) {
	p, err := d.AccessPassPolicy(context.Background())
	if err != nil {
		t.Fatalf("AccessPassPolicy: %v", err)
	}
	if !p.Enabled || p.IncludeTargets == nil || p.ExcludeTargets == nil {
		t.Errorf("AccessPassPolicy = %+v: want enabled, with include and exclude targets read", p)
	}
	if p.MinimumLifetime < directory.MinAccessPassLifetime || p.MaximumLifetime > directory.MaxAccessPassLifetime ||
		p.DefaultLifetime < p.MinimumLifetime || p.DefaultLifetime > p.MaximumLifetime || p.DefaultLength < 8 {
		t.Errorf("AccessPassPolicy = %+v: lifetimes or length out of Microsoft's bounds", p)
	}
}

func (s suite) testAccessPassLifecycle(t *testing.T, e env, d directory.AccessPassIssuer) {
	ctx := context.Background()
	u := e.create(t, e.upn("svc-tap"))
	if ps, err := d.AccessPasses(ctx, u.ID); err != nil || len(ps) != 0 {
		t.Fatalf("AccessPasses(new user) = %v, %v: want none", ps, err)
	}
	created, err := d.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{Lifetime: time.Hour, UsableOnce: true})
	if err != nil {
		t.Fatalf("CreateAccessPass: %v", err)
	}
	if created.ID == "" || created.Pass.IsZero() || !created.Usable || !created.UsableOnce || created.Lifetime != time.Hour || created.StartDateTime.IsZero() {
		t.Errorf("CreateAccessPass = %+v (pass set: %v): want an ID, a passcode, usable once for 1h from now", created, !created.Pass.IsZero())
	}
	if got := created.EndDateTime().Sub(created.StartDateTime); got != time.Hour {
		t.Errorf("EndDateTime - StartDateTime = %v, want 1h", got)
	}
	listed, err := d.AccessPasses(ctx, u.ID)
	if err != nil {
		t.Fatalf("AccessPasses: %v", err)
	}
	want := created
	want.Pass = directory.Password{}
	if diff := cmp.Diff([]directory.AccessPass{want}, listed, cmpopts.EquateApproxTime(time.Second), cmp.Comparer(func(a, b directory.Password) bool { return a.Reveal() == b.Reveal() })); diff != "" {
		t.Errorf("AccessPasses mismatch, want the pass without its passcode (-want +got):\n%s", diff)
	}
	// The pass is one of the user's authentication methods, with its
	// validity.
	ms, err := e.dir.AuthenticationMethods(ctx, u.ID)
	if err != nil {
		t.Fatalf("AuthenticationMethods: %v", err)
	}
	found := false
	for _, m := range ms {
		if m.Type == directory.MethodTemporaryAccessPass {
			found = true
			if m.ID != created.ID || m.AccessPass == nil || !m.AccessPass.Usable || !m.AccessPass.Pass.IsZero() {
				t.Errorf("AuthenticationMethods lists the pass as %+v (details %+v): want its ID, usable, no passcode", m, m.AccessPass)
			}
		}
	}
	if !found {
		t.Errorf("AuthenticationMethods = %+v: no temporaryAccessPass method", ms)
	}
	if err := d.DeleteAccessPass(ctx, u.ID, created.ID); err != nil {
		t.Fatalf("DeleteAccessPass: %v", err)
	}
	if ps, err := d.AccessPasses(ctx, u.ID); err != nil || len(ps) != 0 {
		t.Errorf("AccessPasses after delete = %v, %v: want none", ps, err)
	}
	err = d.DeleteAccessPass(ctx, u.ID, created.ID)
	wantErr(t, "DeleteAccessPass(again)", err, directory.ErrNotFound, created.ID)
}

func (s suite) testAccessPassReplaced(t *testing.T, e env, d directory.AccessPassIssuer) {
	ctx := context.Background()
	u := e.create(t, e.upn("svc-tap-twice"))
	first, err := d.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	if err != nil {
		t.Fatalf("CreateAccessPass: %v", err)
	}
	pol, _ := d.AccessPassPolicy(ctx)
	if first.Lifetime != pol.DefaultLifetime {
		t.Errorf("a pass created without a lifetime lasts %v, want the policy's default %v", first.Lifetime, pol.DefaultLifetime)
	}
	second, err := d.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	if err != nil {
		t.Fatalf("CreateAccessPass(second): %v", err)
	}
	ps, err := d.AccessPasses(ctx, u.ID)
	if err != nil || len(ps) != 1 || ps[0].ID != second.ID {
		t.Errorf("after a second create, AccessPasses = %+v, %v: want only the second pass %q (one pass per user)", ps, err, second.ID)
	}
}

func (s suite) testAccessPassLifetime(t *testing.T, e env, d directory.AccessPassIssuer) {
	ctx := context.Background()
	u := e.create(t, e.upn("svc-tap-long"))
	pol, err := d.AccessPassPolicy(ctx)
	if err != nil {
		t.Fatalf("AccessPassPolicy: %v", err)
	}
	for _, lifetime := range []time.Duration{pol.MaximumLifetime + time.Minute, directory.MaxAccessPassLifetime + time.Minute} {
		_, err = d.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{Lifetime: lifetime})
		wantErr(t, "CreateAccessPass(lifetime "+lifetime.String()+")", err, directory.ErrInvalid, u.ID)
	}
	if ps, _ := d.AccessPasses(ctx, u.ID); len(ps) != 0 {
		t.Errorf("a refused create left passes: %+v", ps)
	}
}

func (s suite) testAccessPassUnknownUser(t *testing.T, _ env, d directory.AccessPassIssuer) {
	ctx := context.Background()
	_, err := d.CreateAccessPass(ctx, unknownObjectID, directory.NewAccessPass{})
	wantErr(t, "CreateAccessPass(unknown user)", err, directory.ErrNotFound, unknownObjectID)
	_, err = d.AccessPasses(ctx, unknownObjectID)
	wantErr(t, "AccessPasses(unknown user)", err, directory.ErrNotFound, unknownObjectID)
}

func (s suite) testAccessPassDeletedWithUser(t *testing.T, e env, d directory.AccessPassIssuer) {
	ctx := context.Background()
	u := e.create(t, e.upn("svc-tap-gone"))
	p, err := d.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	if err != nil {
		t.Fatalf("CreateAccessPass: %v", err)
	}
	if err := e.dir.DeleteUser(ctx, u.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = d.AccessPasses(ctx, u.ID)
	wantErr(t, "AccessPasses(deleted user)", err, directory.ErrNotFound, u.ID)
	err = d.DeleteAccessPass(ctx, u.ID, p.ID)
	wantErr(t, "DeleteAccessPass(deleted user)", err, directory.ErrNotFound, u.ID)
}
