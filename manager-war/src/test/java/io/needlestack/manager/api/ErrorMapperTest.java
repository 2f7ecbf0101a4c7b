package io.needlestack.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    @Test
    void codesMapToStableStatuses() {
        assertEquals(404, ErrorMapper.status("NoSuchBucket"));
        assertEquals(404, ErrorMapper.status("NoSuchUser"));
        assertEquals(409, ErrorMapper.status("BucketAlreadyExists"));
        assertEquals(409, ErrorMapper.status("BucketAlreadyOwnedByYou"));
        assertEquals(409, ErrorMapper.status("UserOwnsBuckets"));
        assertEquals(400, ErrorMapper.status("InvalidBucketName"));
        assertEquals(400, ErrorMapper.status("SomethingNew"));
        assertEquals(503, ErrorMapper.status("ServiceUnavailable"));
    }
}
