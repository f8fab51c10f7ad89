package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// DocumentLimits bound the size of a GraphQL document. They are checked by
// one pass of the lexer over the raw text, before gqlparser parses and
// validates it: validation is quadratic in the fields of one selection set
// and walks every fragment spread, so a small document can otherwise cost
// minutes of CPU before the complexity limit sees it.
type DocumentLimits struct {
	MaxTokens     int // lexical tokens, comments included
	MaxFields     int // fields per operation, each fragment spread counted with its expansion
	MaxAliases    int // aliases per operation, counted with fragment expansion
	MaxRootFields int // top-level fields per operation, counted with fragment expansion
	MaxFragments  int // fragment definitions in the document
}

// DefaultDocumentLimits leave room for the playground's introspection
// query (about 200 fields once its fragments are expanded). MaxFields is
// what bounds validation: gqlparser compares every pair of fields that
// share a response name, so n fields cost up to n²/2 comparisons (1,999
// fields of one name took 0.5 s and 49 MB; 499 take about 30 ms).
var DefaultDocumentLimits = DocumentLimits{MaxTokens: 20000, MaxFields: 500, MaxAliases: 200, MaxRootFields: 50, MaxFragments: 100}

// withDefaults fills zero limits from DefaultDocumentLimits.
func (l DocumentLimits) withDefaults() DocumentLimits {
	d := DefaultDocumentLimits
	for _, f := range []struct{ v, def *int }{{&l.MaxTokens, &d.MaxTokens}, {&l.MaxFields, &d.MaxFields}, {&l.MaxAliases, &d.MaxAliases}, {&l.MaxRootFields, &d.MaxRootFields}, {&l.MaxFragments, &d.MaxFragments}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// documentStats is what scanDocument learned about a document.
type documentStats struct {
	tokens     int
	operations []operationStats
}

// operationStats are the expanded counts of one operation.
type operationStats struct {
	kind       string // query, mutation or subscription
	name       string
	fields     int
	aliases    int
	rootFields int
}

// definitionCounts are one definition's own counts and the fragments it
// spreads (a name once per spread), at the top level and below.
type definitionCounts struct {
	kind, name            string
	fields, aliases, root int
	spreads, rootSpreads  []string
}

// scanDocument lexes src once and returns its counts, or an error as soon
// as one of the limits is exceeded. A document the lexer cannot read is not
// refused here: the parser reports it with its position, and it stops at the
// same place. Its cost is linear in len(src) and it allocates per definition
// and per spread, never per field.
func scanDocument(src string, lim DocumentLimits) (*documentStats, error) {
	lx := lexer.New(&ast.Source{Input: src})
	var (
		defs  []*definitionCounts
		cur   *definitionCounts
		stack []frame // open braces and parentheses
		prev  lexer.Type
		// afterSpread: the previous token was "..."; afterOn: the previous
		// token was "on" of an inline fragment or fragment definition.
		afterSpread, afterOn, afterAt bool
		pendingInline                 bool // the next "{" opens an inline fragment
		topState                      int  // position in a definition header
		stats                         = &documentStats{}
	)
	fragments := 0
	for {
		tok, err := lx.ReadToken()
		if err != nil {
			break
		}
		if tok.Kind == lexer.EOF {
			break
		}
		stats.tokens++
		if stats.tokens > lim.MaxTokens {
			return nil, limitError("the document has more than %d tokens", lim.MaxTokens)
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		if len(stack) == 0 {
			// Between definitions: operation and fragment headers.
			switch tok.Kind {
			case lexer.Name:
				switch {
				case topState == 0 && (tok.Value == "query" || tok.Value == "mutation" || tok.Value == "subscription"):
					cur = &definitionCounts{kind: tok.Value}
					defs = append(defs, cur)
					topState = 1
				case topState == 0 && tok.Value == "fragment":
					fragments++
					if fragments > lim.MaxFragments {
						return nil, limitError("the document defines more than %d fragments", lim.MaxFragments)
					}
					cur = &definitionCounts{kind: "fragment"}
					defs = append(defs, cur)
					topState = 2
				case topState == 1 && cur != nil && cur.name == "":
					cur.name = tok.Value
				case topState == 2 && cur != nil && cur.name == "":
					cur.name = tok.Value
				}
			case lexer.ParenL:
				stack = append(stack, frame{kind: frameParen})
			case lexer.BraceL:
				if topState == 0 {
					// Shorthand query.
					cur = &definitionCounts{kind: "query"}
					defs = append(defs, cur)
				}
				stack = append(stack, frame{kind: frameSelection, level: 1})
				topState = 0
			}
			prev = tok.Kind
			continue
		}
		top := &stack[len(stack)-1]
		switch top.kind {
		case frameParen, frameValue:
			switch tok.Kind {
			case lexer.ParenL:
				stack = append(stack, frame{kind: frameParen})
			case lexer.BraceL:
				stack = append(stack, frame{kind: frameValue})
			case lexer.ParenR, lexer.BraceR:
				stack = stack[:len(stack)-1]
			}
		case frameSelection:
			level := top.level
			switch tok.Kind {
			case lexer.Spread:
				afterSpread, pendingInline = true, false
				prev = tok.Kind
				continue
			case lexer.At:
				afterAt = true
				if afterSpread {
					pendingInline = true // "... @include(if: $x) {"
				}
				prev = tok.Kind
				continue
			case lexer.Name:
				switch {
				case afterAt:
					afterAt = false // a directive's name
				case afterSpread && tok.Value == "on":
					afterOn, pendingInline = true, true
				case afterSpread:
					if cur != nil {
						if level == 1 {
							cur.rootSpreads = append(cur.rootSpreads, tok.Value)
						}
						cur.spreads = append(cur.spreads, tok.Value)
					}
				case afterOn:
					afterOn = false // the type condition
				case prev == lexer.Colon:
					// The field name after an alias: counted with the alias.
				default:
					if cur != nil {
						cur.fields++
						if level == 1 {
							cur.root++
						}
					}
				}
				afterSpread = false
			case lexer.Colon:
				if prev == lexer.Name && cur != nil {
					cur.aliases++
				}
			case lexer.ParenL:
				stack = append(stack, frame{kind: frameParen})
			case lexer.BraceL:
				// An inline fragment ("... on T {", "... {", "... @d {")
				// stays on its parent's level; a field's selection goes one down.
				if pendingInline || afterSpread {
					stack = append(stack, frame{kind: frameSelection, level: level})
				} else {
					stack = append(stack, frame{kind: frameSelection, level: level + 1})
				}
				afterSpread, pendingInline, afterOn, afterAt = false, false, false, false
			case lexer.BraceR:
				stack = stack[:len(stack)-1]
			}
		}
		prev = tok.Kind
	}

	frags := map[string]*definitionCounts{}
	for _, d := range defs {
		if d.kind == "fragment" && d.name != "" {
			if _, dup := frags[d.name]; !dup {
				frags[d.name] = d
			}
		}
	}
	ex := expander{frags: frags, memo: map[string]expanded{}, visiting: map[string]bool{}, lim: lim}
	for _, d := range defs {
		if d.kind == "fragment" {
			if _, err := ex.fragment(d.name); err != nil {
				return nil, err
			}
			continue
		}
		e, err := ex.definition(d)
		if err != nil {
			return nil, err
		}
		op := operationStats{kind: d.kind, name: d.name, fields: e.fields, aliases: e.aliases, rootFields: e.root}
		if err := checkOperation(op, lim); err != nil {
			return nil, err
		}
		stats.operations = append(stats.operations, op)
	}
	return stats, nil
}

type frameKind uint8

const (
	frameSelection frameKind = iota
	frameParen
	frameValue
)

// frame is one open brace or parenthesis; level is the field level of a
// selection set (1 for an operation's top level).
type frame struct {
	kind  frameKind
	level int
}

// expanded counts are a definition's counts with its spreads replaced by
// the fragments they name, recursively.
type expanded struct{ fields, aliases, root int }

type expander struct {
	frags    map[string]*definitionCounts
	memo     map[string]expanded
	visiting map[string]bool
	lim      DocumentLimits
}

// fragment returns the expanded counts of the named fragment, memoised, so
// a fan-out of spreads costs one visit per fragment; a cycle is refused.
// An unknown fragment counts as empty: validation reports it.
func (x *expander) fragment(name string) (expanded, error) {
	if e, ok := x.memo[name]; ok {
		return e, nil
	}
	d, ok := x.frags[name]
	if !ok {
		return expanded{}, nil
	}
	if x.visiting[name] {
		return expanded{}, limitError("fragment %s spreads itself", name)
	}
	x.visiting[name] = true
	e, err := x.definition(d)
	delete(x.visiting, name)
	if err != nil {
		return expanded{}, err
	}
	x.memo[name] = e
	return e, nil
}

// definition adds up d's own counts and its spreads' expansions, stopping
// as soon as a sum passes a limit (so the sums cannot overflow).
func (x *expander) definition(d *definitionCounts) (expanded, error) {
	e := expanded{fields: d.fields, aliases: d.aliases, root: d.root}
	for _, s := range d.spreads {
		f, err := x.fragment(s)
		if err != nil {
			return expanded{}, err
		}
		e.fields += f.fields
		e.aliases += f.aliases
		if e.fields > x.lim.MaxFields {
			return expanded{}, limitError("the operation selects more than %d fields (fragments counted each time they are spread)", x.lim.MaxFields)
		}
		if e.aliases > x.lim.MaxAliases {
			return expanded{}, limitError("the operation uses more than %d aliases (fragments counted each time they are spread)", x.lim.MaxAliases)
		}
	}
	for _, s := range d.rootSpreads {
		f, err := x.fragment(s)
		if err != nil {
			return expanded{}, err
		}
		e.root += f.root
		if e.root > x.lim.MaxRootFields {
			return expanded{}, limitError("the operation has more than %d top-level fields", x.lim.MaxRootFields)
		}
	}
	return e, nil
}

func checkOperation(op operationStats, lim DocumentLimits) error {
	switch {
	case op.fields > lim.MaxFields:
		return limitError("the operation selects more than %d fields (fragments counted each time they are spread)", lim.MaxFields)
	case op.aliases > lim.MaxAliases:
		return limitError("the operation uses more than %d aliases (fragments counted each time they are spread)", lim.MaxAliases)
	case op.rootFields > lim.MaxRootFields:
		return limitError("the operation has more than %d top-level fields", lim.MaxRootFields)
	}
	return nil
}

// limitError is a refusal for a document over a limit; the presenter gives
// it BAD_USER_INPUT with reason DOCUMENT_LIMIT_EXCEEDED.
func limitError(format string, args ...any) error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, "DOCUMENT_LIMIT_EXCEEDED")
	return err
}

// documentLimit is the gqlgen extension that runs scanDocument before the
// document is parsed.
type documentLimit DocumentLimits

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimit{}

func (documentLimit) ExtensionName() string                   { return "DocumentLimit" }
func (documentLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d documentLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	_, err := scanDocument(p.Query, DocumentLimits(d))
	var gerr *gqlerror.Error
	if errors.As(err, &gerr) {
		return gerr
	}
	return nil
}
