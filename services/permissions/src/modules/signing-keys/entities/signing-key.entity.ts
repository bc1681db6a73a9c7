import { type JWK } from 'jose';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An ES256 key pair that signs access tokens; the newest unretired one signs, the published ones verify. */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn('text')
  kid!: string;

  @Column('text')
  algorithm!: string;

  @Column('jsonb')
  publicJwk!: JWK;

  /** PKCS#8 PEM, sealed with the at-rest encryption key. */
  @Column('text', { select: false })
  privateKey!: string;

  // Set by the service (not the database), so rotation decisions use one clock.
  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  retiredAt!: Date | null;

  /** After this instant no token it signed can still be valid, so the key leaves the JWKS. */
  @Column('timestamptz', { nullable: true })
  publishedUntil!: Date | null;
}
