package consent_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// TestSecretsNeverLeakThroughGraph runs provision, verify, a failed and
// rolled-back provision, a provision with a caller-supplied password, and
// deprovision through the Graph backend with debug logging everywhere, then
// looks for the passwords and the bearer token in every log line, event,
// error and rendering of every returned value.
func TestSecretsNeverLeakThroughGraph(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := newGraphEnvLogged(t, nil, nil, logger)
	var seen sightings
	record := seen.record
	p := serviceaccount.New(env.dir, &serviceaccount.Options{
		Logger: logger, Sleep: env.clock.Sleep, Now: env.clock.Now,
		OnEvent: func(e serviceaccount.Event) { record(e) },
	})
	v := verify.New(env.dir, &verify.Options{Logger: logger})
	ctx := context.Background()
	var secrets []string

	spec := chaosSpec(1)
	plan, err := p.Plan(ctx, spec)
	record(plan)
	record(err)
	res, err := p.Provision(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, res.Password.Reveal())
	record(res, res.Account, res.User, res.Changes)
	rep, err := v.Verify(ctx, res.Account)
	record(rep, rep.String())
	record(err)

	// A failing run: role assignment denied, the account rolled back.
	env.srv.DenyPermission(graphtest.CreateRoleAssignment)
	bad := chaosSpec(2)
	bad.Password = directory.NewPassword("Caller-Supplied-Secret-42!")
	secrets = append(secrets, bad.Password.Reveal())
	record(bad)
	_, err = p.Provision(ctx, bad)
	if err == nil {
		t.Fatal("Provision succeeded although role assignment was denied")
	}
	record(err)
	record(err)
	env.srv.ClearFaults()

	// A caller-supplied password that succeeds, a lost create answer.
	env.srv.DropConnection(graphtest.After, graphtest.CreateUser)
	res2, err := p.Provision(ctx, bad)
	record(err)
	record(res2)
	// Verify as the account: the owner signs in, the partner verifies with
	// the account's own delegated token, once with every read allowed and
	// once with its methods denied (an error path); then an application's
	// token is refused.
	if err := env.fake.SignIn(ctx, res.Account.ID, "Owner-Changed-It-42!"); err != nil {
		t.Fatal(err)
	}
	userToken, err := env.srv.UserToken(res.Account.UserPrincipalName, nil)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, userToken)
	self := verify.New(mustNewLogged(t, graphtest.Credential(userToken), env.srv.URL, logger), &verify.Options{Logger: logger})
	selfRep, err := self.VerifySelf(ctx, res.Account)
	record(selfRep, selfRep.String())
	record(err)
	env.srv.DenyPermission(graphtest.ListMyAuthenticationMethods)
	selfRep, err = self.VerifySelf(ctx, res.Account)
	record(selfRep, selfRep.String())
	record(err)
	env.srv.ClearFaults()
	// An application's token readable as such is refused before it is
	// sent: it must not leak, though it never reaches the wire.
	appToken := env.srv.AppToken()
	_, err = verify.New(mustNewLogged(t, graphtest.Credential(appToken), env.srv.URL, logger), &verify.Options{Logger: logger}).VerifySelf(ctx, res.Account)
	if err == nil {
		t.Fatal("VerifySelf succeeded with an application token")
	}
	record(err)

	if err := p.Deprovision(ctx, res.Account); err != nil {
		record(err)
	}
	if err := p.Deprovision(ctx, res2.Account); err != nil {
		record(err)
	}

	// The secrets did go over the wire (so the test can fail)...
	var wire strings.Builder
	for _, r := range env.srv.Requests() {
		wire.Write(r.Body)
		wire.WriteString(r.Header.Get("Authorization"))
		for _, b := range r.Batch {
			wire.Write(b.Body)
		}
	}
	for _, s := range append(secrets, testToken) {
		if !strings.Contains(wire.String(), s) {
			t.Fatalf("secret %.4s... never reached the server: the test would prove nothing", s)
		}
	}
	// ...and nowhere else.
	seen.noLeak(t, logs.String(), append(secrets, testToken, appToken)...)
	if strings.Contains(strings.ToLower(logs.String()), "authorization") {
		t.Errorf("a log line names the Authorization header")
	}
}
