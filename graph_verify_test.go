package consent_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/verify"
)

// Over the Graph backend, a credential that may not read authentication
// methods or role assignments makes those checks unknown, with the
// remediation naming what the backend's error says the read needed (the
// graphdir error carries a directory.Requirement for every endpoint), and
// the report does not pass — even for an account that is otherwise perfect.
func TestVerifyOverGraphWithDeniedReads(t *testing.T) {
	for _, tc := range []struct {
		deny   graphtest.Endpoint
		checks []string
		// read makes the denied read directly.
		read func(ctx context.Context, dir directory.Directory, id string) error
	}{
		{graphtest.ListAuthenticationMethods, []string{verify.CheckMFARegistered, verify.CheckMFAPhishingResistant}, func(ctx context.Context, dir directory.Directory, id string) error {
			_, err := dir.AuthenticationMethods(ctx, id)
			return err
		}},
		{graphtest.ListRoleAssignments, []string{verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm, verify.CheckMFAPhishingResistant}, func(ctx context.Context, dir directory.Directory, id string) error {
			_, err := dir.RoleAssignments(ctx, id)
			return err
		}},
		{graphtest.ListConditionalAccess, []string{verify.CheckMFAPhishingResistant}, func(ctx context.Context, dir directory.Directory, id string) error {
			p, err := directory.ReadSignInPolicies(ctx, dir)
			if err != nil {
				return err
			}
			return p.ConditionalAccessErr
		}},
	} {
		t.Run(string(tc.deny), func(t *testing.T) {
			ctx := context.Background()
			env := newGraphEnv(t, nil, nil)
			res := ownedAccount(t, env, newProvisioner(env.dir, env.clock), chaosSpec(1))
			v := verify.New(env.dir, nil)
			if rep, err := v.Verify(ctx, res.Account); err != nil || !rep.Passed() {
				t.Fatalf("before denying: %v %v", err, rep)
			}
			env.srv.DenyPermission(tc.deny)
			rep, err := v.Verify(ctx, res.Account)
			if err != nil {
				t.Fatalf("Verify: %v (a denied read is a finding, not an error)", err)
			}
			if rep.Passed() {
				t.Error("report passed although facts could not be read")
			}
			readErr := tc.read(ctx, env.dir, res.Account.ID)
			if !errors.Is(readErr, directory.ErrPermission) {
				t.Fatalf("denied read: %v, want ErrPermission", readErr)
			}
			req, ok := directory.RequirementOf(readErr)
			if !ok {
				t.Fatalf("denied read %v carries no directory.Requirement", readErr)
			}
			want := req.Permissions[0]
			for _, id := range tc.checks {
				c, _ := rep.Check(id)
				if c.Status != verify.StatusUnknown || !strings.Contains(c.Remediation, want) {
					t.Errorf("%s = %s (%q): want unknown saying %q", id, c.Status, c.Remediation, want)
				}
			}
		})
	}
}
