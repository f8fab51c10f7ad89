// Package credentials is the domain of verifiable credentials: the catalogue of credential types with their JSON Schemas and JSON-LD context, issuance, verification with explained checks, and presentation requests.
package credentials
