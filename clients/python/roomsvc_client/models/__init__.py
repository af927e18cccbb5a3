"""Contains all the data models used in inputs/outputs"""

from .action_gate import ActionGate
from .agent_create import AgentCreate
from .agent_dispatched_data import AgentDispatchedData
from .agent_job_out import AgentJobOut
from .agent_job_out_status import AgentJobOutStatus
from .agent_list import AgentList
from .agent_out import AgentOut
from .agent_removed_data import AgentRemovedData
from .agents_list_dispatches_state_type_1 import AgentsListDispatchesStateType1
from .agents_list_dispatches_state_type_2_type_1 import AgentsListDispatchesStateType2Type1
from .agents_list_dispatches_state_type_3_type_1 import AgentsListDispatchesStateType3Type1
from .alert_out import AlertOut
from .alert_out_kind import AlertOutKind
from .alert_out_policy import AlertOutPolicy
from .alerting_spec import AlertingSpec
from .alerting_spec_smoothing import AlertingSpecSmoothing
from .attempt_out import AttemptOut
from .audit_out import AuditOut
from .audit_out_params import AuditOutParams
from .audit_page import AuditPage
from .ban_list import BanList
from .ban_out import BanOut
from .call_detail import CallDetail
from .call_out import CallOut
from .call_page import CallPage
from .call_track_out import CallTrackOut
from .controls_change_params import ControlsChangeParams
from .controls_change_params_changed_item import ControlsChangeParamsChangedItem
from .controls_update import ControlsUpdate
from .delivery_out import DeliveryOut
from .delivery_out_status import DeliveryOutStatus
from .delivery_page import DeliveryPage
from .demo_join import DemoJoin
from .demo_join_role_type_0 import DemoJoinRoleType0
from .deployed_validation_out import DeployedValidationOut
from .detection_alert_data import DetectionAlertData
from .detection_alert_data_kind import DetectionAlertDataKind
from .detection_alert_data_policy import DetectionAlertDataPolicy
from .detection_alert_data_state import DetectionAlertDataState
from .detection_alert_data_type import DetectionAlertDataType
from .detection_list_detections_kind_type_1 import DetectionListDetectionsKindType1
from .detection_list_detections_kind_type_2_type_1 import DetectionListDetectionsKindType2Type1
from .detection_list_detections_kind_type_3_type_1 import DetectionListDetectionsKindType3Type1
from .detection_list_detections_state_type_1 import DetectionListDetectionsStateType1
from .detection_list_detections_state_type_2_type_1 import DetectionListDetectionsStateType2Type1
from .detection_list_detections_state_type_3_type_1 import DetectionListDetectionsStateType3Type1
from .detection_list_models_kind_type_1 import DetectionListModelsKindType1
from .detection_list_models_kind_type_2_type_1 import DetectionListModelsKindType2Type1
from .detection_list_models_kind_type_3_type_1 import DetectionListModelsKindType3Type1
from .detection_list_room_detections_kind_type_1 import DetectionListRoomDetectionsKindType1
from .detection_list_room_detections_kind_type_2_type_1 import DetectionListRoomDetectionsKindType2Type1
from .detection_list_room_detections_kind_type_3_type_1 import DetectionListRoomDetectionsKindType3Type1
from .detection_list_room_detections_state_type_1 import DetectionListRoomDetectionsStateType1
from .detection_list_room_detections_state_type_2_type_1 import DetectionListRoomDetectionsStateType2Type1
from .detection_list_room_detections_state_type_3_type_1 import DetectionListRoomDetectionsStateType3Type1
from .detection_model_reasons import DetectionModelReasons
from .detection_model_ref import DetectionModelRef
from .detection_models import DetectionModels
from .detection_out import DetectionOut
from .detection_out_kind import DetectionOutKind
from .detection_out_state import DetectionOutState
from .detection_page import DetectionPage
from .detection_spec import DetectionSpec
from .detection_spec_policy import DetectionSpecPolicy
from .detection_started_data import DetectionStartedData
from .detection_state_changed_data import DetectionStateChangedData
from .detection_state_changed_data_from import DetectionStateChangedDataFrom
from .detection_state_changed_data_kind import DetectionStateChangedDataKind
from .detection_state_changed_data_to import DetectionStateChangedDataTo
from .detection_status import DetectionStatus
from .detection_status_policy import DetectionStatusPolicy
from .detection_status_status import DetectionStatusStatus
from .detection_summary import DetectionSummary
from .dispatch_create import DispatchCreate
from .dispatch_list import DispatchList
from .dispatch_out import DispatchOut
from .dispatch_out_owner import DispatchOutOwner
from .dispatch_out_state import DispatchOutState
from .egress_updated_data import EgressUpdatedData
from .egress_updated_data_event import EgressUpdatedDataEvent
from .event_out import EventOut
from .event_page import EventPage
from .event_type import EventType
from .file_finished import FileFinished
from .file_opened import FileOpened
from .file_opened_kind import FileOpenedKind
from .file_progress import FileProgress
from .grants_out import GrantsOut
from .health_healthz_response_200 import HealthHealthzResponse200
from .health_readyz_response_200 import HealthReadyzResponse200
from .ingest_result import IngestResult
from .ingress_updated_data import IngressUpdatedData
from .ingress_updated_data_event import IngressUpdatedDataEvent
from .invitation_accept import InvitationAccept
from .invitation_accept_attributes_type_0 import InvitationAcceptAttributesType0
from .invitation_answer import InvitationAnswer
from .invitation_create import InvitationCreate
from .invitation_create_role import InvitationCreateRole
from .invitation_list import InvitationList
from .invitation_out import InvitationOut
from .invitation_out_role import InvitationOutRole
from .invitation_out_status import InvitationOutStatus
from .join_request import JoinRequest
from .join_request_admitted_data import JoinRequestAdmittedData
from .join_request_attributes_type_0 import JoinRequestAttributesType0
from .join_request_created_data import JoinRequestCreatedData
from .join_request_created_params import JoinRequestCreatedParams
from .join_request_decision import JoinRequestDecision
from .join_request_denied_data import JoinRequestDeniedData
from .join_request_expired_data import JoinRequestExpiredData
from .join_request_list import JoinRequestList
from .join_request_out import JoinRequestOut
from .join_request_out_status import JoinRequestOutStatus
from .join_request_params import JoinRequestParams
from .join_request_role_type_0 import JoinRequestRoleType0
from .join_response import JoinResponse
from .join_response_role import JoinResponseRole
from .kick import Kick
from .kick_params import KickParams
from .leave_seat import LeaveSeat
from .live_kit_dispatch_out import LiveKitDispatchOut
from .lobby_list_requests_status_type_1 import LobbyListRequestsStatusType1
from .lobby_list_requests_status_type_2_type_1 import LobbyListRequestsStatusType2Type1
from .lobby_list_requests_status_type_3_type_1 import LobbyListRequestsStatusType3Type1
from .me import Me
from .message_out import MessageOut
from .message_out_format import MessageOutFormat
from .model_create_type_0 import ModelCreateType0
from .model_create_type_1 import ModelCreateType1
from .model_list import ModelList
from .model_out import ModelOut
from .model_out_kind import ModelOutKind
from .model_ref import ModelRef
from .model_status import ModelStatus
from .model_update import ModelUpdate
from .model_validation import ModelValidation
from .moderation_status import ModerationStatus
from .mute_out import MuteOut
from .mute_params import MuteParams
from .mute_params_sources_item import MuteParamsSourcesItem
from .mute_request import MuteRequest
from .mute_request_sources_item import MuteRequestSourcesItem
from .no_params import NoParams
from .owner_change_params import OwnerChangeParams
from .owner_transfer import OwnerTransfer
from .participant_ban_lifted_data import ParticipantBanLiftedData
from .participant_joined_data import ParticipantJoinedData
from .participant_kicked_data import ParticipantKickedData
from .participant_left_data import ParticipantLeftData
from .participant_list import ParticipantList
from .participant_muted_data import ParticipantMutedData
from .participant_out import ParticipantOut
from .participant_out_attributes import ParticipantOutAttributes
from .participant_out_role_type_1 import ParticipantOutRoleType1
from .participant_out_role_type_2_type_1 import ParticipantOutRoleType2Type1
from .participant_out_role_type_3_type_1 import ParticipantOutRoleType3Type1
from .participant_out_state import ParticipantOutState
from .participant_role_changed_data import ParticipantRoleChangedData
from .participant_session_out import ParticipantSessionOut
from .participant_session_page import ParticipantSessionPage
from .participant_summary import ParticipantSummary
from .participant_summary_state import ParticipantSummaryState
from .participant_unmuted_data import ParticipantUnmutedData
from .participant_update import ParticipantUpdate
from .participant_update_attributes import ParticipantUpdateAttributes
from .participant_update_role import ParticipantUpdateRole
from .problem import Problem
from .rate_with_ci import RateWithCI
from .recorder_failed import RecorderFailed
from .recorder_finished import RecorderFinished
from .recorder_heartbeat import RecorderHeartbeat
from .recorder_started import RecorderStarted
from .recording_create import RecordingCreate
from .recording_create_kind import RecordingCreateKind
from .recording_failed_data import RecordingFailedData
from .recording_failed_data_backend import RecordingFailedDataBackend
from .recording_failed_data_kind import RecordingFailedDataKind
from .recording_file_data import RecordingFileData
from .recording_file_data_kind import RecordingFileDataKind
from .recording_file_out import RecordingFileOut
from .recording_file_out_kind import RecordingFileOutKind
from .recording_file_out_state import RecordingFileOutState
from .recording_out import RecordingOut
from .recording_out_backend import RecordingOutBackend
from .recording_out_kind import RecordingOutKind
from .recording_out_state import RecordingOutState
from .recording_page import RecordingPage
from .recording_ready_data import RecordingReadyData
from .recording_ready_data_backend import RecordingReadyDataBackend
from .recording_ready_data_kind import RecordingReadyDataKind
from .recording_started_data import RecordingStartedData
from .recording_started_data_backend import RecordingStartedDataBackend
from .recording_started_data_kind import RecordingStartedDataKind
from .recording_stopped_data import RecordingStoppedData
from .recording_stopped_data_backend import RecordingStoppedDataBackend
from .recording_stopped_data_kind import RecordingStoppedDataKind
from .recordings_list_recordings_kind_type_1 import RecordingsListRecordingsKindType1
from .recordings_list_recordings_kind_type_2_type_1 import RecordingsListRecordingsKindType2Type1
from .recordings_list_recordings_kind_type_3_type_1 import RecordingsListRecordingsKindType3Type1
from .recordings_list_recordings_state_type_1 import RecordingsListRecordingsStateType1
from .recordings_list_recordings_state_type_2_type_1 import RecordingsListRecordingsStateType2Type1
from .recordings_list_recordings_state_type_3_type_1 import RecordingsListRecordingsStateType3Type1
from .redeliver import Redeliver
from .redeliver_result import RedeliverResult
from .role_change import RoleChange
from .role_change_params import RoleChangeParams
from .role_change_params_from_type_0 import RoleChangeParamsFromType0
from .role_change_params_to import RoleChangeParamsTo
from .role_change_role import RoleChangeRole
from .room_controls import RoomControls
from .room_controls_changed_data import RoomControlsChangedData
from .room_controls_state import RoomControlsState
from .room_create import RoomCreate
from .room_create_auto_record import RoomCreateAutoRecord
from .room_create_call_type import RoomCreateCallType
from .room_create_seat_mode import RoomCreateSeatMode
from .room_created_data import RoomCreatedData
from .room_created_data_call_type import RoomCreatedDataCallType
from .room_end import RoomEnd
from .room_ended_data import RoomEndedData
from .room_locked_data import RoomLockedData
from .room_out import RoomOut
from .room_out_auto_record import RoomOutAutoRecord
from .room_out_call_type import RoomOutCallType
from .room_out_seat_mode import RoomOutSeatMode
from .room_out_status import RoomOutStatus
from .room_owner_changed_data import RoomOwnerChangedData
from .room_page import RoomPage
from .room_started_data import RoomStartedData
from .room_unlocked_data import RoomUnlockedData
from .room_update import RoomUpdate
from .room_update_auto_record import RoomUpdateAutoRecord
from .room_update_status import RoomUpdateStatus
from .room_updated_data import RoomUpdatedData
from .room_updated_data_call_type import RoomUpdatedDataCallType
from .rooms_list_rooms_status_type_1 import RoomsListRoomsStatusType1
from .rooms_list_rooms_status_type_2_type_1 import RoomsListRoomsStatusType2Type1
from .rooms_list_rooms_status_type_3_type_1 import RoomsListRoomsStatusType3Type1
from .seat_action import SeatAction
from .seat_camera_locked_data import SeatCameraLockedData
from .seat_camera_unlocked_data import SeatCameraUnlockedData
from .seat_change import SeatChange
from .seat_change_params import SeatChangeParams
from .seat_invited_params import SeatInvitedParams
from .seat_kicked_data import SeatKickedData
from .seat_left_data import SeatLeftData
from .seat_list import SeatList
from .seat_list_seat_mode import SeatListSeatMode
from .seat_locked_data import SeatLockedData
from .seat_media_lock_params import SeatMediaLockParams
from .seat_mic_locked_data import SeatMicLockedData
from .seat_mic_unlocked_data import SeatMicUnlockedData
from .seat_move import SeatMove
from .seat_move_params import SeatMoveParams
from .seat_moved_data import SeatMovedData
from .seat_out import SeatOut
from .seat_params import SeatParams
from .seat_request_accepted_data import SeatRequestAcceptedData
from .seat_request_approved_data import SeatRequestApprovedData
from .seat_request_approved_params import SeatRequestApprovedParams
from .seat_request_cancelled_data import SeatRequestCancelledData
from .seat_request_create import SeatRequestCreate
from .seat_request_create_kind import SeatRequestCreateKind
from .seat_request_created_data import SeatRequestCreatedData
from .seat_request_created_params import SeatRequestCreatedParams
from .seat_request_decision import SeatRequestDecision
from .seat_request_declined_data import SeatRequestDeclinedData
from .seat_request_expired_data import SeatRequestExpiredData
from .seat_request_invited_data import SeatRequestInvitedData
from .seat_request_list import SeatRequestList
from .seat_request_out import SeatRequestOut
from .seat_request_out_kind import SeatRequestOutKind
from .seat_request_out_status import SeatRequestOutStatus
from .seat_request_params import SeatRequestParams
from .seat_request_rejected_data import SeatRequestRejectedData
from .seat_swap import SeatSwap
from .seat_swap_params import SeatSwapParams
from .seat_swapped_data import SeatSwappedData
from .seat_taken_data import SeatTakenData
from .seat_unlocked_data import SeatUnlockedData
from .seat_vacated_data import SeatVacatedData
from .seats_list_requests_status_type_1 import SeatsListRequestsStatusType1
from .seats_list_requests_status_type_2_type_1 import SeatsListRequestsStatusType2Type1
from .seats_list_requests_status_type_3_type_1 import SeatsListRequestsStatusType3Type1
from .storage_target import StorageTarget
from .subscription_create import SubscriptionCreate
from .subscription_list import SubscriptionList
from .subscription_out import SubscriptionOut
from .subscription_out_status import SubscriptionOutStatus
from .take_seat import TakeSeat
from .thresholds import Thresholds
from .track_out import TrackOut
from .track_page import TrackPage
from .track_published_data import TrackPublishedData
from .track_published_data_kind import TrackPublishedDataKind
from .track_published_data_source import TrackPublishedDataSource
from .track_status import TrackStatus
from .track_status_kind import TrackStatusKind
from .track_status_state import TrackStatusState
from .track_summary import TrackSummary
from .track_summary_kind import TrackSummaryKind
from .track_summary_state import TrackSummaryState
from .track_unpublished_data import TrackUnpublishedData
from .track_unpublished_data_kind import TrackUnpublishedDataKind
from .track_unpublished_data_source import TrackUnpublishedDataSource
from .unmute_params import UnmuteParams
from .unmute_params_sources_item import UnmuteParamsSourcesItem
from .unmute_request import UnmuteRequest
from .unmute_request_sources_type_0_item import UnmuteRequestSourcesType0Item
from .usage_figures import UsageFigures
from .usage_item import UsageItem
from .usage_page import UsagePage
from .usage_page_group_by import UsagePageGroupBy
from .usage_report_group_by import UsageReportGroupBy
from .webhooks_receive_livekit_webhook_response_200 import WebhooksReceiveLivekitWebhookResponse200
from .window_batch import WindowBatch
from .window_in import WindowIn
from .window_in_kind import WindowInKind
from .window_in_state import WindowInState
from .worker_config import WorkerConfig
from .worker_config_policy import WorkerConfigPolicy
from .worker_config_status import WorkerConfigStatus
from .worker_model import WorkerModel
from .worker_model_kind import WorkerModelKind
from .worker_models import WorkerModels
from .worker_report import WorkerReport
from .worker_report_state import WorkerReportState

__all__ = (
    "ActionGate",
    "AgentCreate",
    "AgentDispatchedData",
    "AgentJobOut",
    "AgentJobOutStatus",
    "AgentList",
    "AgentOut",
    "AgentRemovedData",
    "AgentsListDispatchesStateType1",
    "AgentsListDispatchesStateType2Type1",
    "AgentsListDispatchesStateType3Type1",
    "AlertingSpec",
    "AlertingSpecSmoothing",
    "AlertOut",
    "AlertOutKind",
    "AlertOutPolicy",
    "AttemptOut",
    "AuditOut",
    "AuditOutParams",
    "AuditPage",
    "BanList",
    "BanOut",
    "CallDetail",
    "CallOut",
    "CallPage",
    "CallTrackOut",
    "ControlsChangeParams",
    "ControlsChangeParamsChangedItem",
    "ControlsUpdate",
    "DeliveryOut",
    "DeliveryOutStatus",
    "DeliveryPage",
    "DemoJoin",
    "DemoJoinRoleType0",
    "DeployedValidationOut",
    "DetectionAlertData",
    "DetectionAlertDataKind",
    "DetectionAlertDataPolicy",
    "DetectionAlertDataState",
    "DetectionAlertDataType",
    "DetectionListDetectionsKindType1",
    "DetectionListDetectionsKindType2Type1",
    "DetectionListDetectionsKindType3Type1",
    "DetectionListDetectionsStateType1",
    "DetectionListDetectionsStateType2Type1",
    "DetectionListDetectionsStateType3Type1",
    "DetectionListModelsKindType1",
    "DetectionListModelsKindType2Type1",
    "DetectionListModelsKindType3Type1",
    "DetectionListRoomDetectionsKindType1",
    "DetectionListRoomDetectionsKindType2Type1",
    "DetectionListRoomDetectionsKindType3Type1",
    "DetectionListRoomDetectionsStateType1",
    "DetectionListRoomDetectionsStateType2Type1",
    "DetectionListRoomDetectionsStateType3Type1",
    "DetectionModelReasons",
    "DetectionModelRef",
    "DetectionModels",
    "DetectionOut",
    "DetectionOutKind",
    "DetectionOutState",
    "DetectionPage",
    "DetectionSpec",
    "DetectionSpecPolicy",
    "DetectionStartedData",
    "DetectionStateChangedData",
    "DetectionStateChangedDataFrom",
    "DetectionStateChangedDataKind",
    "DetectionStateChangedDataTo",
    "DetectionStatus",
    "DetectionStatusPolicy",
    "DetectionStatusStatus",
    "DetectionSummary",
    "DispatchCreate",
    "DispatchList",
    "DispatchOut",
    "DispatchOutOwner",
    "DispatchOutState",
    "EgressUpdatedData",
    "EgressUpdatedDataEvent",
    "EventOut",
    "EventPage",
    "EventType",
    "FileFinished",
    "FileOpened",
    "FileOpenedKind",
    "FileProgress",
    "GrantsOut",
    "HealthHealthzResponse200",
    "HealthReadyzResponse200",
    "IngestResult",
    "IngressUpdatedData",
    "IngressUpdatedDataEvent",
    "InvitationAccept",
    "InvitationAcceptAttributesType0",
    "InvitationAnswer",
    "InvitationCreate",
    "InvitationCreateRole",
    "InvitationList",
    "InvitationOut",
    "InvitationOutRole",
    "InvitationOutStatus",
    "JoinRequest",
    "JoinRequestAdmittedData",
    "JoinRequestAttributesType0",
    "JoinRequestCreatedData",
    "JoinRequestCreatedParams",
    "JoinRequestDecision",
    "JoinRequestDeniedData",
    "JoinRequestExpiredData",
    "JoinRequestList",
    "JoinRequestOut",
    "JoinRequestOutStatus",
    "JoinRequestParams",
    "JoinRequestRoleType0",
    "JoinResponse",
    "JoinResponseRole",
    "Kick",
    "KickParams",
    "LeaveSeat",
    "LiveKitDispatchOut",
    "LobbyListRequestsStatusType1",
    "LobbyListRequestsStatusType2Type1",
    "LobbyListRequestsStatusType3Type1",
    "Me",
    "MessageOut",
    "MessageOutFormat",
    "ModelCreateType0",
    "ModelCreateType1",
    "ModelList",
    "ModelOut",
    "ModelOutKind",
    "ModelRef",
    "ModelStatus",
    "ModelUpdate",
    "ModelValidation",
    "ModerationStatus",
    "MuteOut",
    "MuteParams",
    "MuteParamsSourcesItem",
    "MuteRequest",
    "MuteRequestSourcesItem",
    "NoParams",
    "OwnerChangeParams",
    "OwnerTransfer",
    "ParticipantBanLiftedData",
    "ParticipantJoinedData",
    "ParticipantKickedData",
    "ParticipantLeftData",
    "ParticipantList",
    "ParticipantMutedData",
    "ParticipantOut",
    "ParticipantOutAttributes",
    "ParticipantOutRoleType1",
    "ParticipantOutRoleType2Type1",
    "ParticipantOutRoleType3Type1",
    "ParticipantOutState",
    "ParticipantRoleChangedData",
    "ParticipantSessionOut",
    "ParticipantSessionPage",
    "ParticipantSummary",
    "ParticipantSummaryState",
    "ParticipantUnmutedData",
    "ParticipantUpdate",
    "ParticipantUpdateAttributes",
    "ParticipantUpdateRole",
    "Problem",
    "RateWithCI",
    "RecorderFailed",
    "RecorderFinished",
    "RecorderHeartbeat",
    "RecorderStarted",
    "RecordingCreate",
    "RecordingCreateKind",
    "RecordingFailedData",
    "RecordingFailedDataBackend",
    "RecordingFailedDataKind",
    "RecordingFileData",
    "RecordingFileDataKind",
    "RecordingFileOut",
    "RecordingFileOutKind",
    "RecordingFileOutState",
    "RecordingOut",
    "RecordingOutBackend",
    "RecordingOutKind",
    "RecordingOutState",
    "RecordingPage",
    "RecordingReadyData",
    "RecordingReadyDataBackend",
    "RecordingReadyDataKind",
    "RecordingsListRecordingsKindType1",
    "RecordingsListRecordingsKindType2Type1",
    "RecordingsListRecordingsKindType3Type1",
    "RecordingsListRecordingsStateType1",
    "RecordingsListRecordingsStateType2Type1",
    "RecordingsListRecordingsStateType3Type1",
    "RecordingStartedData",
    "RecordingStartedDataBackend",
    "RecordingStartedDataKind",
    "RecordingStoppedData",
    "RecordingStoppedDataBackend",
    "RecordingStoppedDataKind",
    "Redeliver",
    "RedeliverResult",
    "RoleChange",
    "RoleChangeParams",
    "RoleChangeParamsFromType0",
    "RoleChangeParamsTo",
    "RoleChangeRole",
    "RoomControls",
    "RoomControlsChangedData",
    "RoomControlsState",
    "RoomCreate",
    "RoomCreateAutoRecord",
    "RoomCreateCallType",
    "RoomCreatedData",
    "RoomCreatedDataCallType",
    "RoomCreateSeatMode",
    "RoomEnd",
    "RoomEndedData",
    "RoomLockedData",
    "RoomOut",
    "RoomOutAutoRecord",
    "RoomOutCallType",
    "RoomOutSeatMode",
    "RoomOutStatus",
    "RoomOwnerChangedData",
    "RoomPage",
    "RoomsListRoomsStatusType1",
    "RoomsListRoomsStatusType2Type1",
    "RoomsListRoomsStatusType3Type1",
    "RoomStartedData",
    "RoomUnlockedData",
    "RoomUpdate",
    "RoomUpdateAutoRecord",
    "RoomUpdatedData",
    "RoomUpdatedDataCallType",
    "RoomUpdateStatus",
    "SeatAction",
    "SeatCameraLockedData",
    "SeatCameraUnlockedData",
    "SeatChange",
    "SeatChangeParams",
    "SeatInvitedParams",
    "SeatKickedData",
    "SeatLeftData",
    "SeatList",
    "SeatListSeatMode",
    "SeatLockedData",
    "SeatMediaLockParams",
    "SeatMicLockedData",
    "SeatMicUnlockedData",
    "SeatMove",
    "SeatMovedData",
    "SeatMoveParams",
    "SeatOut",
    "SeatParams",
    "SeatRequestAcceptedData",
    "SeatRequestApprovedData",
    "SeatRequestApprovedParams",
    "SeatRequestCancelledData",
    "SeatRequestCreate",
    "SeatRequestCreatedData",
    "SeatRequestCreatedParams",
    "SeatRequestCreateKind",
    "SeatRequestDecision",
    "SeatRequestDeclinedData",
    "SeatRequestExpiredData",
    "SeatRequestInvitedData",
    "SeatRequestList",
    "SeatRequestOut",
    "SeatRequestOutKind",
    "SeatRequestOutStatus",
    "SeatRequestParams",
    "SeatRequestRejectedData",
    "SeatsListRequestsStatusType1",
    "SeatsListRequestsStatusType2Type1",
    "SeatsListRequestsStatusType3Type1",
    "SeatSwap",
    "SeatSwapParams",
    "SeatSwappedData",
    "SeatTakenData",
    "SeatUnlockedData",
    "SeatVacatedData",
    "StorageTarget",
    "SubscriptionCreate",
    "SubscriptionList",
    "SubscriptionOut",
    "SubscriptionOutStatus",
    "TakeSeat",
    "Thresholds",
    "TrackOut",
    "TrackPage",
    "TrackPublishedData",
    "TrackPublishedDataKind",
    "TrackPublishedDataSource",
    "TrackStatus",
    "TrackStatusKind",
    "TrackStatusState",
    "TrackSummary",
    "TrackSummaryKind",
    "TrackSummaryState",
    "TrackUnpublishedData",
    "TrackUnpublishedDataKind",
    "TrackUnpublishedDataSource",
    "UnmuteParams",
    "UnmuteParamsSourcesItem",
    "UnmuteRequest",
    "UnmuteRequestSourcesType0Item",
    "UsageFigures",
    "UsageItem",
    "UsagePage",
    "UsagePageGroupBy",
    "UsageReportGroupBy",
    "WebhooksReceiveLivekitWebhookResponse200",
    "WindowBatch",
    "WindowIn",
    "WindowInKind",
    "WindowInState",
    "WorkerConfig",
    "WorkerConfigPolicy",
    "WorkerConfigStatus",
    "WorkerModel",
    "WorkerModelKind",
    "WorkerModels",
    "WorkerReport",
    "WorkerReportState",
)
