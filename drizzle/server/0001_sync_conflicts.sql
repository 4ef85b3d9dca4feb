CREATE TABLE "sync_conflicts" (
	"client_id" uuid NOT NULL,
	"mutation_id" integer NOT NULL,
	"field" text NOT NULL,
	"name" text NOT NULL,
	"table_name" text NOT NULL,
	"row_id" uuid NOT NULL,
	"base" jsonb,
	"mine" jsonb,
	"theirs" jsonb,
	"at" bigint NOT NULL,
	CONSTRAINT "sync_conflicts_client_id_mutation_id_field_pk" PRIMARY KEY("client_id","mutation_id","field")
);
--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_client_id_sync_clients_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."sync_clients"("client_id") ON DELETE no action ON UPDATE no action;