package main

import (
	"fmt"

	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/client"
)

// auditVerifyCommand is `vcctl audit verify`.
var auditVerifyCommand = &command{
	name: "audit verify", synopsis: "",
	summary: "check the bureau's audit trail for edited, deleted or reordered events (bureau)",
	help: `Reads the calling bureau's whole audit trail and checks its hash chain: every
event must match its hash, follow the event before it (its previous hash) and
leave no gap in the sequence numbers. Each fault is named with its sequence
number and event id: edited (its content changed), deleted (events missing),
reordered (moved to another position, or no longer following the event
before it). The chain's head is anchored on chain by the service.
Exit status: 0 the trail is intact, 1 a fault was found, 2 usage or
connection error.`,
	examples: `vcctl audit verify --token "$BUREAU_KEY"`,
	auth:     authBureau, run: auditVerify,
}

// auditPage is how many events one request reads.
const auditPage = 1000

func auditVerify(e *env, c *command, _ any, args []string) int {
	if len(args) > 0 {
		return e.usageError(c, "unexpected argument %q", args[0])
	}
	cl, ok := e.client(c)
	if !ok {
		return exitUsage
	}
	var events []*audit.Event
	after, first := 0, auditPage
	for {
		r, err := client.AuditEvents(e.ctx, cl, &after, &first)
		if err != nil {
			return e.fail(err)
		}
		for _, ev := range r.AuditEvents {
			events = append(events, auditEvent(ev))
		}
		if len(r.AuditEvents) < auditPage {
			break
		}
		after = r.AuditEvents[len(r.AuditEvents)-1].Seq
	}
	problems := audit.Verify(events, nil)
	if e.json {
		out := struct {
			Events   int      `json:"events"`
			Intact   bool     `json:"intact"`
			Problems []string `json:"problems"`
		}{len(events), len(problems) == 0, []string{}}
		for _, p := range problems {
			out.Problems = append(out.Problems, p.String())
		}
		if err := printJSON(e.stdout, out); err != nil {
			return e.failf("%v", err)
		}
	} else {
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p.String())
		}
		if len(problems) == 0 {
			fmt.Fprintf(e.stdout, "%d events checked: the audit trail is intact\n", len(events))
		} else {
			fmt.Fprintf(e.stdout, "%d events checked: the audit trail was altered (%d faults)\n", len(events), len(problems))
		}
	}
	if len(problems) > 0 {
		return exitFail
	}
	return exitOK
}

// auditEvent turns the wire form back into the event whose hash is checked.
func auditEvent(ev client.AuditEventsAuditEventsAuditEvent) *audit.Event {
	out := &audit.Event{ID: ev.Id, BureauID: ev.BureauId, Action: ev.Action, Actor: ev.Actor,
		At: ev.At, Seq: int64(ev.Seq), PrevHash: ev.PrevHash, Hash: ev.Hash}
	if ev.CredentialId != nil {
		out.CredentialID = *ev.CredentialId
	}
	if ev.Reason != nil {
		out.Reason = *ev.Reason
	}
	return out
}
