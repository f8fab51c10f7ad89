package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/citizencloud/citizencredentials/client"
)

// statusChange is one of revoke, suspend and reinstate.
type statusChange struct {
	done   string // "Revoked"
	call   func(ctx context.Context, cl *client.Client, id, reason string) (*client.CredentialFields, error)
	effect string
}

var statusChanges = map[string]statusChange{
	"revoke": {
		done: "Revoked",
		call: func(ctx context.Context, cl *client.Client, id, reason string) (*client.CredentialFields, error) {
			r, err := client.RevokeCredential(ctx, cl, id, reason)
			if err != nil {
				return nil, err
			}
			return &r.RevokeCredential, nil
		},
		effect: "for good",
	},
	"suspend": {
		done: "Suspended",
		call: func(ctx context.Context, cl *client.Client, id, reason string) (*client.CredentialFields, error) {
			r, err := client.SuspendCredential(ctx, cl, id, reason)
			if err != nil {
				return nil, err
			}
			return &r.SuspendCredential, nil
		},
		effect: "until it is reinstated",
	},
	"reinstate": {
		done: "Reinstated",
		call: func(ctx context.Context, cl *client.Client, id, reason string) (*client.CredentialFields, error) {
			r, err := client.ReinstateCredential(ctx, cl, id, reason)
			if err != nil {
				return nil, err
			}
			return &r.ReinstateCredential, nil
		},
		effect: "again",
	},
}

func defineReason(fs *flag.FlagSet) any {
	reason := new(string)
	fs.StringVar(reason, "reason", "", "why, for the audit trail (required)")
	return reason
}

// statusCmd runs revoke, suspend or reinstate (the command's name).
func statusCmd(e *env, c *command, opts any, args []string) int {
	reason := *opts.(*string)
	sc := statusChanges[c.name]
	id, code, ok := oneArg(e, c, args, "credential ID")
	if !ok {
		return code
	}
	if strings.TrimSpace(reason) == "" {
		return e.usageError(c, "missing --reason")
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	cr, err := sc.call(e.ctx, cl, id, reason)
	if err != nil {
		return e.fail(err)
	}
	if e.json {
		_ = printJSON(e.stdout, cr)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s %s (%s to %s): state %s %s, reason %q.\n", sc.done, cr.Id, cr.Type, cr.SubjectDid, cr.State, sc.effect, reason)
	fmt.Fprintf(e.stdout, "The service's own verification reports it at once; the public status list shows it after the next\npublishing round (vcserve --publish-interval), and that list version is then anchored on chain.\n")
	return exitOK
}
