import ProtoWellKnownTypes

// Shorthands for the common details, so that a handler writes
// `.badRequest(violations: [("name", "must not be empty")])` instead of filling the messages field by field.

extension ErrorDetails {
    /// `google.rpc.ErrorInfo` with a reason (UPPER_SNAKE_CASE), a domain and optional metadata.
    public static func errorInfo(reason: String, domain: String, metadata: [String: String] = [:]) -> ErrorDetails {
        var info = Google_Rpc_ErrorInfo()
        info.reason = reason
        info.domain = domain
        info.metadata = metadata
        return .errorInfo(info)
    }

    /// `google.rpc.RetryInfo`: wait at least `delay` before retrying.
    public static func retryInfo(delay: Duration) -> ErrorDetails {
        let (seconds, attoseconds) = delay.components
        var duration = Google_Protobuf_Duration()
        duration.seconds = seconds
        duration.nanos = Int32(attoseconds / 1_000_000_000)
        var info = Google_Rpc_RetryInfo()
        info.retryDelay = duration
        return .retryInfo(info)
    }

    /// `google.rpc.DebugInfo`: stack entries and a detail (not for untrusted clients).
    public static func debugInfo(stack: [String], detail: String) -> ErrorDetails {
        var info = Google_Rpc_DebugInfo()
        info.stackEntries = stack
        info.detail = detail
        return .debugInfo(info)
    }

    /// `google.rpc.BadRequest` with one violation per `(field, description)`.
    public static func badRequest(violations: [(field: String, description: String)]) -> ErrorDetails {
        var request = Google_Rpc_BadRequest()
        request.fieldViolations = violations.map { v in
            var violation = Google_Rpc_BadRequest.FieldViolation()
            violation.field = v.field
            violation.description_p = v.description
            return violation
        }
        return .badRequest(request)
    }

    /// `google.rpc.PreconditionFailure` with one violation per `(type, subject, description)`.
    public static func preconditionFailure(
        violations: [(type: String, subject: String, description: String)]
    ) -> ErrorDetails {
        var failure = Google_Rpc_PreconditionFailure()
        failure.violations = violations.map { v in
            var violation = Google_Rpc_PreconditionFailure.Violation()
            violation.type = v.type
            violation.subject = v.subject
            violation.description_p = v.description
            return violation
        }
        return .preconditionFailure(failure)
    }

    /// `google.rpc.QuotaFailure` with one violation per `(subject, description)`.
    public static func quotaFailure(violations: [(subject: String, description: String)]) -> ErrorDetails {
        var failure = Google_Rpc_QuotaFailure()
        failure.violations = violations.map { v in
            var violation = Google_Rpc_QuotaFailure.Violation()
            violation.subject = v.subject
            violation.description_p = v.description
            return violation
        }
        return .quotaFailure(failure)
    }

    /// `google.rpc.RequestInfo`.
    public static func requestInfo(requestID: String, servingData: String = "") -> ErrorDetails {
        var info = Google_Rpc_RequestInfo()
        info.requestID = requestID
        info.servingData = servingData
        return .requestInfo(info)
    }

    /// `google.rpc.ResourceInfo`.
    public static func resourceInfo(type: String, name: String, owner: String = "", description: String) -> ErrorDetails
    {
        var info = Google_Rpc_ResourceInfo()
        info.resourceType = type
        info.resourceName = name
        info.owner = owner
        info.description_p = description
        return .resourceInfo(info)
    }

    /// `google.rpc.Help` with one link per `(description, url)`.
    public static func help(links: [(description: String, url: String)]) -> ErrorDetails {
        var help = Google_Rpc_Help()
        help.links = links.map { l in
            var link = Google_Rpc_Help.Link()
            link.description_p = l.description
            link.url = l.url
            return link
        }
        return .help(help)
    }

    /// `google.rpc.LocalizedMessage`: a message for the user in a BCP 47 locale (`fr-CH`).
    public static func localizedMessage(locale: String, message: String) -> ErrorDetails {
        var localized = Google_Rpc_LocalizedMessage()
        localized.locale = locale
        localized.message = message
        return .localizedMessage(localized)
    }
}
