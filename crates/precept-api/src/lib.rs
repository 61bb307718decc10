//! Precept's gRPC edge: the tonic services and the code generated from `proto/`.
//!
//! What this is: conversion between protobuf messages and domain/application types,
//! field-level validation of every input ([`validate`]), and the single mapping from errors
//! to gRPC statuses ([`status`]).
//! What this is not: business logic (precept-domain decides) or storage (reached only through
//! precept-app's ports). Protobuf types never leave this crate except to the binary's clients.

pub mod access_log;
pub mod admin;
pub mod audit;
mod audit_convert;
pub mod auth;
pub mod benefits;
mod benefits_convert;
pub mod billing;
mod billing_reads;
pub mod business_rates;
pub mod client;
mod common;
mod convert;
pub mod council_tax;
mod money_requests;
mod nndr_convert;
pub mod partnership;
mod partnership_finance;
pub mod recovery;
mod recovery_convert;
pub mod setup;
pub mod status;
pub mod validate;

/// Code generated from `proto/precept/v1`.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto {
    tonic::include_proto!("precept.v1");
}

/// The encoded descriptor set of every Precept proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/precept_descriptor.bin"));
