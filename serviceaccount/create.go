package serviceaccount

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cloudhub/consent/directory"
)

func (p *Provisioner) marker() (string, error) {
	b := make([]byte, 6)
	if _, err := io.ReadFull(p.opts.Rand, b); err != nil {
		return "", fmt.Errorf("serviceaccount: generate marker: %w", err)
	}
	return MarkerPrefix + hex.EncodeToString(b), nil
}

// create creates the account. A create that fails with a transient fault
// is sent again (same marker, same password) while the retrier allows;
// when an attempt may have been applied, or the create conflicts, it reads
// the account back and recognises its own create by the marker's nonce.
func (p *Provisioner) create(ctx context.Context, r *retrier, n normalized, res *Result) (directory.User, directory.Password, bool, error) {
	upn := n.spec.UserPrincipalName
	fail := func(step string, err error) (directory.User, directory.Password, bool, error) {
		return directory.User{}, directory.Password{}, false, &Error{Op: "provision", Account: upn, Step: step, Err: err}
	}
	pw := n.spec.Password
	if pw.IsZero() {
		var err error
		if pw, err = generatePassword(p.opts.Rand); err != nil {
			return fail("generate password", err)
		}
	}
	mark, err := p.marker()
	if err != nil {
		return fail("generate marker", err)
	}
	if err := ctx.Err(); err != nil {
		// Not sent: nothing to read back.
		return fail("create user", err)
	}
	p.emit(ctx, Event{Kind: EventCreateUser, UserPrincipalName: upn, Message: "creating the account"})
	nu := directory.NewUser{
		UserPrincipalName:             upn,
		DisplayName:                   n.spec.DisplayName,
		MailNickname:                  n.spec.MailNickname,
		UsageLocation:                 n.spec.UsageLocation,
		EmployeeType:                  mark,
		AccountEnabled:                true,
		Password:                      pw,
		ForceChangePasswordNextSignIn: !n.passwordless(),
	}
	// uncertain: an attempt may have been applied although it failed.
	uncertain := false
	for {
		u, cerr := p.dir.CreateUser(ctx, nu)
		if cerr == nil {
			res.Changes = append(res.Changes, Change{Action: ActionCreateUser, Object: upn, Detail: n.createDetail()})
			return u, pw, true, nil
		}
		err = cerr
		if !uncertain && (errors.Is(err, directory.ErrInvalid) || errors.Is(err, directory.ErrPermission)) {
			return fail("create user", err)
		}
		uncertain = uncertain || mayHaveApplied(err)
		if rerr := r.again(ctx, upn, "create user", err); rerr != nil {
			// A permanent failure (a conflict among them), the retry
			// deadline spent, or ctx done during the wait.
			err = rerr
			break
		}
	}
	// The create failed, raced, or its answer was lost: look at what is
	// there now. The read runs even if ctx is done, so that an account
	// this call created is never left unrecognised.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.opts.RollbackTimeout)
	defer cancel()
	got, waited, rerr := p.readBack(ctx, rctx, upn, uncertain)
	switch {
	case rerr == nil && got.EmployeeType == mark:
		// Ours: the create was applied and only the answer was lost.
		p.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "serviceaccount: create-user: the answer was lost but the account was created", slog.String("upn", upn))
		res.Changes = append(res.Changes, Change{Action: ActionCreateUser, Object: upn, Detail: n.createDetail()})
		if ctx.Err() != nil {
			// Honour the cancellation, but do not leave the account
			// behind with a password nobody will receive.
			perr := &Error{Op: "provision", Account: upn, Step: "create user", Err: ctx.Err()}
			p.rollback(ctx, n.spec, got, nil, perr)
			return directory.User{}, directory.Password{}, false, perr
		}
		return got, pw, true, nil
	case rerr == nil && (IsManaged(got) || n.spec.Adopt):
		// Not ours, so this create was not applied: the account was
		// created concurrently by another run (whatever error the create
		// gave). Converge it, password unknown to this call.
		res.Warnings = append(res.Warnings, "the account was created concurrently by another run; its temporary password is not known to this call")
		res.Adopted = !IsManaged(got)
		return got, directory.Password{}, false, nil
	case rerr == nil:
		return fail("create user", fmt.Errorf("%w (employeeType %q): %w", ErrNotManaged, got.EmployeeType, directory.ErrExists))
	case errors.Is(rerr, directory.ErrNotFound) && !uncertain:
		return fail("create user", err)
	case errors.Is(rerr, directory.ErrNotFound):
		e := &Error{Op: "provision", Account: upn, Step: "create user", Err: err, Outcome: OutcomeMayExist,
			note: fmt.Sprintf("the create may have been applied, and the account was still not visible %v later: most likely it was not created, but if it appears it carries this call's %q marker and the temporary password in the returned Result; re-run Provision to converge it or Deprovision to remove it", waited.Round(time.Millisecond), mark)}
		return directory.User{}, pw, false, e
	default:
		e := &Error{Op: "provision", Account: upn, Step: "create user", Err: err, Outcome: OutcomeMayExist,
			note: fmt.Sprintf("the create's outcome is unknown and reading it back failed (%v); if the account exists it carries this call's %q marker and the temporary password in the returned Result; re-run Provision to converge it or Deprovision to remove it", rerr, mark)}
		return directory.User{}, pw, false, e
	}
}

// mayHaveApplied reports whether a failed create may nevertheless have
// been applied: anything but a refusal the service makes before it acts
// (throttling; invalid input and denied permission never get here).
func mayHaveApplied(err error) bool {
	return !errors.Is(err, directory.ErrThrottled)
}
